// Copy the front-end libraries installed by `npm ci` into chiso/static/vendor/
// so that Django (whitenoise) serves them locally: government networks are often
// closed, and a CDN is never used.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "chiso", "static", "vendor");

const files = [
  ["node_modules/htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["node_modules/echarts/dist/echarts.min.js", "echarts.min.js"],
];

mkdirSync(target, { recursive: true });
let missing = 0;
for (const [from, to] of files) {
  const source = join(root, from);
  if (!existsSync(source)) {
    console.error(`Thiếu ${from}: hãy chạy "npm ci" trước.`);
    missing += 1;
    continue;
  }
  copyFileSync(source, join(target, to));
  console.log(`đã chép ${from} → chiso/static/vendor/${to}`);
}
process.exit(missing ? 1 : 0);
