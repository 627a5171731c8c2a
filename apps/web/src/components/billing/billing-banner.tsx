"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/lib/trpc/client";

/** Shown to every member: billing test mode, and a past-due organization. */
export function BillingBanner() {
  const trpc = useTRPC();
  const status = useQuery(trpc.billing.status.queryOptions());
  if (!status.data) return null;
  const { testMode, pastDueSince, clusterCreationBlocked, billingNow } = status.data;
  return (
    <>
      {testMode && (
        <div
          className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-1.5 text-xs text-amber-900"
          data-testid="billing-test-mode"
        >
          Billing test mode: payments go to a Stripe test double, no real money moves. Billing
          clock: {new Date(billingNow).toISOString().slice(0, 16).replace("T", " ")} UTC.
        </div>
      )}
      {pastDueSince && (
        <div
          role="alert"
          className="mb-4 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900"
          data-testid="billing-past-due"
        >
          A payment failed and this organization is past due since{" "}
          {new Date(pastDueSince).toISOString().slice(0, 10)}.{" "}
          {clusterCreationBlocked
            ? "New clusters cannot be created until it is paid. "
            : "After 14 days past due no new clusters can be created. "}
          Existing clusters keep running and no data is deleted.{" "}
          <Link href="/billing" className="font-medium underline">
            Update the payment method
          </Link>
        </div>
      )}
    </>
  );
}
