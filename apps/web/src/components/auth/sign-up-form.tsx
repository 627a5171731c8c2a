"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { authClient } from "@/lib/auth-client";
import { emailField, formErrors, passwordField, type FormErrors } from "./auth-errors";

const schema = z.object({
  name: z.string().trim().min(1, "Enter your name").max(80, "At most 80 characters"),
  email: emailField,
  password: passwordField,
});

export function SignUpForm() {
  const router = useRouter();
  const next = useSearchParams().get("next");
  const [errors, setErrors] = useState<FormErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = schema.safeParse(Object.fromEntries(form));
    if (!parsed.success) return setErrors(formErrors(parsed.error));
    setErrors({});
    setFormError(null);
    setPending(true);
    const { error } = await authClient.signUp.email(parsed.data);
    setPending(false);
    if (error) return setFormError(error.message ?? "Sign-up failed");
    router.push(next?.startsWith("/") ? next : "/clusters");
    router.refresh();
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)} className="grid gap-4" noValidate>
      <div>
        <h1 className="text-xl font-semibold">Create your account</h1>
        <p className="text-sm text-muted-foreground">An organization is created for you.</p>
      </div>
      {formError && (
        <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-destructive" role="alert">
          {formError}
        </p>
      )}
      <Field id="name" label="Name" error={errors.name}>
        <Input id="name" name="name" autoComplete="name" aria-invalid={!!errors.name} />
      </Field>
      <Field id="email" label="Email" error={errors.email}>
        <Input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          aria-invalid={!!errors.email}
        />
      </Field>
      <Field id="password" label="Password" error={errors.password} hint="At least 8 characters">
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          aria-invalid={!!errors.password}
        />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create account"}
      </Button>
      <p className="text-center text-sm text-muted-foreground">
        Already have an account?{" "}
        <Link className="text-primary hover:underline" href="/sign-in">
          Sign in
        </Link>
      </p>
    </form>
  );
}
