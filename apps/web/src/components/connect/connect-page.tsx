"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { useCluster } from "@/components/clusters/use-cluster";
import { PageHeader } from "@/components/shell/page-header";
import { QueryError, TableSkeleton } from "@/components/shell/query-state";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { CopyButton, CopyField } from "@/components/ui/copy-button";
import { Label } from "@/components/ui/label";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { useTRPC } from "@/lib/trpc/client";
import { connectSnippets } from "./snippets";

export function ConnectPage({ clusterId }: { clusterId: string }) {
  const trpc = useTRPC();
  const { cluster } = useCluster(clusterId);
  const credentials = useQuery(trpc.credentials.listKafkaCredentials.queryOptions({ clusterId }));
  const requested = useSearchParams().get("username");
  const [chosen, setChosen] = useState<string | null>(requested);

  if (cluster.isPending || credentials.isPending) return <TableSkeleton />;
  if (cluster.error) return <QueryError error={cluster.error} />;
  if (credentials.error) return <QueryError error={credentials.error} />;
  const active = credentials.data.filter((c) => !c.revokedAt);
  const username = chosen ?? active[0]?.username ?? "<username>";
  const snippets = connectSnippets({ bootstrap: cluster.data.bootstrapAddress, username });

  return (
    <>
      <PageHeader
        level={2}
        title="Connect a client"
        description="Copy a snippet and replace <password> with the password shown when the credential was created."
      />
      <div className="grid grid-cols-[minmax(0,1fr)] gap-6">
        <Card>
          <CardHeader>
            <CardTitle>Connection</CardTitle>
            <CardDescription>
              Security protocol SASL_PLAINTEXT · mechanism SCRAM-SHA-256 (SCRAM-SHA-512 and PLAIN
              also work).{" "}
              <Link
                className="text-primary hover:underline"
                href={`/clusters/${clusterId}/credentials`}
              >
                Create a credential
              </Link>
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4 sm:grid-cols-2">
            <div className="grid gap-1.5">
              <Label>Bootstrap server</Label>
              <CopyField value={cluster.data.bootstrapAddress} label="bootstrap server" />
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="connect-username">Username</Label>
              {active.length > 0 ? (
                <Select value={username} onValueChange={setChosen}>
                  <SelectTrigger id="connect-username">
                    <SelectValue />
                  </SelectTrigger>
                  <SelectContent>
                    {active.map((c) => (
                      <SelectItem key={c.id} value={c.username}>
                        {c.username}
                        {c.description ? ` · ${c.description}` : ""}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
              ) : (
                <p className="text-sm text-muted-foreground">No active credential yet.</p>
              )}
            </div>
          </CardContent>
        </Card>
        <Tabs defaultValue="kcat" className="min-w-0">
          <TabsList className="flex-wrap">
            {snippets.map((s) => (
              <TabsTrigger key={s.id} value={s.id}>
                {s.label}
              </TabsTrigger>
            ))}
          </TabsList>
          {snippets.map((s) => (
            <TabsContent key={s.id} value={s.id} className="mt-3">
              <div className="relative rounded-lg bg-slate-950 text-slate-100">
                <div className="absolute right-2 top-2 rounded-md bg-slate-800 text-white">
                  <CopyButton value={s.code} label={`Copy ${s.label} snippet`} />
                </div>
                <pre
                  className="overflow-x-auto p-4 pr-14 font-mono text-xs leading-relaxed"
                  data-testid={`snippet-${s.id}`}
                >
                  {s.code}
                </pre>
              </div>
            </TabsContent>
          ))}
        </Tabs>
      </div>
    </>
  );
}
