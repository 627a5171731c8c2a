"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { authClient } from "@/lib/auth-client";
import { emailField, formErrors, type FormErrors } from "./auth-errors";

const schema = z.object({ email: emailField, password: z.string().min(1, "Enter your password") });

export function SignInForm() {
  const router = useRouter();
  const next = useSearchParams().get("next");
  const [errors, setErrors] = useState<FormErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = schema.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) return setErrors(formErrors(parsed.error));
    setErrors({});
    setFormError(null);
    setPending(true);
    const { error } = await authClient.signIn.email(parsed.data);
    setPending(false);
    if (error) {
      setFormError(
        error.status === 429
          ? "Too many attempts: wait a minute and try again"
          : (error.message ?? "Sign-in failed"),
      );
      return;
    }
    router.push(next?.startsWith("/") ? next : "/clusters");
    router.refresh();
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)} className="grid gap-4" noValidate>
      <div>
        <h1 className="text-xl font-semibold">Sign in</h1>
        <p className="text-sm text-muted-foreground">to your Streambed console</p>
      </div>
      {formError && (
        <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-destructive" role="alert">
          {formError}
        </p>
      )}
      <Field id="email" label="Email" error={errors.email}>
        <Input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          aria-invalid={!!errors.email}
        />
      </Field>
      <Field id="password" label="Password" error={errors.password}>
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          aria-invalid={!!errors.password}
        />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
      <div className="flex justify-between text-sm">
        <Link className="text-primary hover:underline" href="/forgot-password">
          Forgot password?
        </Link>
        <Link
          className="text-primary hover:underline"
          href={next ? `/sign-up?next=${encodeURIComponent(next)}` : "/sign-up"}
        >
          Create an account
        </Link>
      </div>
    </form>
  );
}
