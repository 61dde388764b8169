// Validates rendered Kubernetes manifests (multi-document YAML files) offline against the OpenAPI schemas
// shipped by npm kubernetes-models (core APIs) and @kubernetes-models/{keda,prometheus-operator} (CRDs).
// Usage: node validate-manifests.mjs FILE...   (NODE_PATH = the node_modules holding those packages)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const modules = process.env.NODE_PATH.split(':')[0];
const require = createRequire(path.join(modules, 'noop.js'));
const YAML = require('yaml');

// apiVersion group -> package that models it
const packages = { 'keda.sh': '@kubernetes-models/keda', 'monitoring.coreos.com': '@kubernetes-models/prometheus-operator' };

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = packages[group] ?? 'kubernetes-models';
  const sub = group ? `${group}/${version}` : version;
  const entry = path.join(modules, pkg, sub, 'index.js');
  const mod = await import(pathToFileURL(entry).href);
  if (!mod[kind]) throw new Error(`no schema for ${apiVersion} ${kind} in ${pkg}`);
  return mod[kind];
}

let failures = 0, count = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of YAML.parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (doc.errors.length) { console.error(`${file}: YAML error ${doc.errors[0].message}`); failures++; continue; }
    const obj = doc.toJS();
    if (!obj) continue;
    const where = `${file}: ${obj.kind} ${obj.metadata?.name}`;
    try {
      const Model = await modelFor(obj.apiVersion, obj.kind);
      new Model(obj).validate();
      count++;
    } catch (e) {
      failures++;
      console.error(`${where}: ${e.message}`);
    }
  }
}
console.log(`${count} manifests valid, ${failures} invalid`);
process.exit(failures ? 1 : 0);
