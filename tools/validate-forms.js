#!/usr/bin/env node
// Validates every forms/*.form against the Camunda Forms JSON schema (form-js, draft-07).
// Usage: node tools/validate-forms.js [schema.json] — default ../shared/form-schema/schema.json.
// Prints one line per problem (file, JSON pointer, message) and exits 1 if any form is invalid.
'use strict';

const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');

const root = path.resolve(__dirname, '..');
const schemaPath = path.resolve(
  process.argv[2] || path.join(root, '..', 'shared', 'form-schema', 'schema.json')
);
const formsDir = path.join(root, 'forms');

if (!fs.existsSync(schemaPath)) {
  console.error(`form schema not found: ${schemaPath}`);
  process.exit(2);
}
// The published schema uses "$id" values like "#/type" that strict mode rejects; they are
// annotations here, so strict mode is off. allErrors: report everything in one run.
const ajv = new Ajv({ strict: false, allErrors: true });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));

const files = fs.readdirSync(formsDir).filter((f) => f.endsWith('.form')).sort();
if (files.length === 0) {
  console.error(`no .form files in ${formsDir}`);
  process.exit(1);
}
let failed = 0;
for (const name of files) {
  const file = path.join(formsDir, name);
  let form;
  try {
    form = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`forms/${name}: not valid JSON: ${err.message}`);
    failed += 1;
    continue;
  }
  if (!validate(form)) {
    failed += 1;
    for (const e of validate.errors) {
      console.error(`forms/${name}: ${e.instancePath || '/'} ${e.message}`);
    }
  }
}
console.log(`forms: ${files.length - failed} valid, ${failed} invalid (schema ${schemaPath})`);
process.exit(failed ? 1 : 0);
