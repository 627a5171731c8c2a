import { defineConfig } from "tsup";

// One ESM file for `npm start`: workspace packages export TypeScript source, so they are bundled;
// everything from node_modules (native codecs, pg, aws-sdk) stays external and loads at run time.
export default defineConfig({
  entry: { main: "src/main.ts" },
  format: ["esm"],
  platform: "node",
  target: "node20",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  splitting: false,
  noExternal: [/^@streambed\//],
  // Dependencies of the bundled workspace packages are not in this package.json, so list them by shape.
  external: [/^(?!@streambed\/)(@[^/]+\/)?[^./][^/]*/],
});
