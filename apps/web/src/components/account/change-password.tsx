"use client";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { z } from "zod";
import { formErrors, passwordField, type FormErrors } from "@/components/auth/auth-errors";
import { PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { authClient } from "@/lib/auth-client";

const schema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password"),
    newPassword: passwordField,
    confirm: z.string(),
  })
  .refine((v) => v.newPassword === v.confirm, {
    path: ["confirm"],
    message: "The passwords differ",
  });

export function AccountPage({ email }: { email: string }) {
  const [errors, setErrors] = useState<FormErrors>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const parsed = schema.safeParse(Object.fromEntries(new FormData(form)));
    if (!parsed.success) return setErrors(formErrors(parsed.error));
    setErrors({});
    setPending(true);
    const { error } = await authClient.changePassword({
      currentPassword: parsed.data.currentPassword,
      newPassword: parsed.data.newPassword,
      revokeOtherSessions: true,
    });
    setPending(false);
    if (error) {
      if (error.code === "INVALID_PASSWORD")
        return setErrors({ currentPassword: ["Wrong password"] });
      return toast.error(error.message ?? "Could not change the password");
    }
    form.reset();
    toast.success("Password changed; your other sessions were signed out");
  }

  return (
    <>
      <PageHeader crumbs={[{ label: "Account" }]} title="Account" description={email} />
      <Card className="max-w-xl">
        <CardHeader>
          <CardTitle>Change password</CardTitle>
          <CardDescription>
            Other sessions are signed out when the password changes.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <form className="grid gap-4" onSubmit={(event) => void onSubmit(event)} noValidate>
            <Field id="current-password" label="Current password" error={errors.currentPassword}>
              <Input
                id="current-password"
                name="currentPassword"
                type="password"
                autoComplete="current-password"
                aria-invalid={!!errors.currentPassword}
              />
            </Field>
            <Field
              id="new-password"
              label="New password"
              error={errors.newPassword}
              hint="At least 8 characters"
            >
              <Input
                id="new-password"
                name="newPassword"
                type="password"
                autoComplete="new-password"
                aria-invalid={!!errors.newPassword}
              />
            </Field>
            <Field id="confirm-password" label="Confirm new password" error={errors.confirm}>
              <Input
                id="confirm-password"
                name="confirm"
                type="password"
                autoComplete="new-password"
                aria-invalid={!!errors.confirm}
              />
            </Field>
            <Button type="submit" className="justify-self-start" disabled={pending}>
              Change password
            </Button>
          </form>
        </CardContent>
      </Card>
    </>
  );
}
