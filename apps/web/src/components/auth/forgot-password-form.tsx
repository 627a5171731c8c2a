"use client";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { authClient } from "@/lib/auth-client";
import { emailField, formErrors, type FormErrors } from "./auth-errors";

export function ForgotPasswordForm() {
  const [errors, setErrors] = useState<FormErrors>({});
  const [sent, setSent] = useState(false);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = z
      .object({ email: emailField })
      .safeParse({ email: new FormData(event.currentTarget).get("email") });
    if (!parsed.success) return setErrors(formErrors(parsed.error));
    setErrors({});
    setPending(true);
    await authClient.requestPasswordReset({
      email: parsed.data.email,
      redirectTo: `${window.location.origin}/reset-password`,
    });
    setPending(false);
    // Same answer whether or not the address has an account, so the form reveals nothing.
    setSent(true);
  }

  if (sent) {
    return (
      <div className="grid gap-3">
        <h1 className="text-xl font-semibold">Check your email</h1>
        <p className="text-sm text-muted-foreground">
          If an account exists for that address, a reset link is on its way. Running locally without
          SMTP? The link is in the console&apos;s server log.
        </p>
        <Link className="text-sm text-primary hover:underline" href="/sign-in">
          Back to sign in
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={(event) => void onSubmit(event)} className="grid gap-4" noValidate>
      <div>
        <h1 className="text-xl font-semibold">Reset your password</h1>
        <p className="text-sm text-muted-foreground">
          We will send you a link to choose a new one.
        </p>
      </div>
      <Field id="email" label="Email" error={errors.email}>
        <Input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          aria-invalid={!!errors.email}
        />
      </Field>
      <Button type="submit" disabled={pending}>
        Send reset link
      </Button>
      <Link className="text-center text-sm text-primary hover:underline" href="/sign-in">
        Back to sign in
      </Link>
    </form>
  );
}
