import { z } from "zod";
import {
  anyHost,
  clusterResourceName,
  operations,
  operationsByResource,
  patternTypes,
  permissions,
  resourceTypes,
} from "./acl-model.ts";

/** "User:<name>" as Kafka spells principals; "User:*" for everyone. */
export const aclPrincipal = z
  .string()
  .trim()
  .regex(/^User:[^\s]+$/, 'A principal is "User:<name>" (or "User:*" for everyone)')
  .max(256, "At most 256 characters");

/** One ACL binding as the console and the REST API create it (host is always "*"). */
export const aclBindingInput = z
  .object({
    resourceType: z.enum(resourceTypes),
    resourceName: z
      .string()
      .trim()
      .min(1, "Name the resource (or * for all of them)")
      .max(255, "At most 255 characters"),
    patternType: z.enum(patternTypes).default("LITERAL"),
    principal: aclPrincipal,
    host: z.literal(anyHost).default(anyHost),
    operation: z.enum(operations),
    permission: z.enum(permissions).default("ALLOW"),
  })
  .superRefine((acl, ctx) => {
    if (!operationsByResource[acl.resourceType].includes(acl.operation))
      ctx.addIssue({
        code: "custom",
        path: ["operation"],
        message: `${acl.operation} does not apply to ${acl.resourceType}; use one of ${operationsByResource[acl.resourceType].join(", ")}`,
      });
    if (acl.resourceType === "CLUSTER" && acl.resourceName !== clusterResourceName)
      ctx.addIssue({
        code: "custom",
        path: ["resourceName"],
        message: `The cluster resource is named ${clusterResourceName}`,
      });
    if (acl.resourceType === "CLUSTER" && acl.patternType !== "LITERAL")
      ctx.addIssue({
        code: "custom",
        path: ["patternType"],
        message: "The cluster resource takes a LITERAL pattern",
      });
    if (acl.patternType === "PREFIXED" && acl.resourceName === "*")
      ctx.addIssue({
        code: "custom",
        path: ["resourceName"],
        message: "* is a LITERAL name (every resource); a PREFIXED pattern names a prefix",
      });
  });
export type AclBindingInput = z.infer<typeof aclBindingInput>;

/** Filters of the ACL list: a principal (exact) and a resource name (substring). */
export const aclFilter = z.object({
  principal: z.string().trim().max(256).optional(),
  resourceType: z.enum(resourceTypes).optional(),
  resourceName: z.string().trim().max(255).optional(),
});
export type AclFilter = z.infer<typeof aclFilter>;
