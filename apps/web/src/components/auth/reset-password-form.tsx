"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { authClient } from "@/lib/auth-client";
import { formErrors, passwordField, type FormErrors } from "./auth-errors";

const schema = z
  .object({ password: passwordField, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The passwords differ" });

export function ResetPasswordForm() {
  const router = useRouter();
  const params = useSearchParams();
  const token = params.get("token");
  const [errors, setErrors] = useState<FormErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  if (!token || params.get("error")) {
    return (
      <div className="grid gap-3">
        <h1 className="text-xl font-semibold">Link expired</h1>
        <p className="text-sm text-muted-foreground">This reset link is invalid or has expired.</p>
        <Link className="text-sm text-primary hover:underline" href="/forgot-password">
          Ask for a new link
        </Link>
      </div>
    );
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = schema.safeParse(Object.fromEntries(new FormData(event.currentTarget)));
    if (!parsed.success) return setErrors(formErrors(parsed.error));
    setErrors({});
    setPending(true);
    const { error } = await authClient.resetPassword({
      newPassword: parsed.data.password,
      token: token!,
    });
    setPending(false);
    if (error) return setFormError(error.message ?? "The link is invalid or has expired");
    toast.success("Password changed: sign in with your new password");
    router.push("/sign-in");
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)} className="grid gap-4" noValidate>
      <h1 className="text-xl font-semibold">Choose a new password</h1>
      {formError && (
        <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-destructive" role="alert">
          {formError}
        </p>
      )}
      <Field id="password" label="New password" error={errors.password}>
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          aria-invalid={!!errors.password}
        />
      </Field>
      <Field id="confirm" label="Confirm password" error={errors.confirm}>
        <Input
          id="confirm"
          name="confirm"
          type="password"
          autoComplete="new-password"
          aria-invalid={!!errors.confirm}
        />
      </Field>
      <Button type="submit" disabled={pending}>
        Set password
      </Button>
    </form>
  );
}
