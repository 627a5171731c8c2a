import type { Metadata } from "next";
import { CreateClusterForm } from "@/components/clusters/create-cluster-form";

export const metadata: Metadata = { title: "Create cluster" };

export default function NewClusterPage() {
  return <CreateClusterForm />;
}
