-- Secrets every agent of the deployment shares, kept where they all meet (the metadata store):
-- e.g. the token agents present to each other's peer block route.
CREATE TABLE "deployment_secrets" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deployment_secrets_pkey" PRIMARY KEY ("name")
);
