/**
 * Differential test: Playbill's verdict on every document must equal Backstage's own, both
 * on the rule cases and on real descriptors from public repositories (../shared/corpus).
 */
import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  type Entity,
} from '@backstage/catalog-model';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, describeWithCorpus } from '../../test/support/corpus.ts';
import { z } from 'zod';
import { CASES } from '../../test/fixtures/conformance-cases.ts';
import { parseYamlDocuments } from './parse.ts';
import { validateEntity } from './validate.ts';


const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);
const validators = [
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
];
const templateShape = z.object({
  apiVersion: z.literal('scaffolder.backstage.io/v1beta3'),
  spec: z.looseObject({ type: z.string().min(1), steps: z.array(z.unknown()) }),
});

/**
 * Backstage's verdict: its default policies, then the built-in kind validators. Templates
 * have no validator in catalog-model; the scaffolder's check is the apiVersion plus
 * spec.type and spec.steps, as the corpus README describes.
 */
async function backstageAccepts(doc: unknown): Promise<boolean> {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
  let entity: Entity | undefined;
  try {
    entity = await policy.enforce(doc as Entity);
  } catch {
    return false;
  }
  if (!entity) return false;
  if (entity.kind === 'Template') return templateShape.safeParse(entity).success;
  for (const validator of validators) {
    try {
      if (await validator.check(entity)) return true;
    } catch {
      return false;
    }
  }
  return false;
}

describe('rule cases agree with @backstage/catalog-model', () => {
  it.each(CASES)('$rule', async ({ doc, valid }) => {
    expect(await backstageAccepts(doc)).toBe(valid);
    expect(validateEntity(doc).ok).toBe(valid);
  });
});

const verdictSchema = z.object({ file: z.string(), doc: z.number(), valid: z.boolean(), error: z.string().optional() });

/** Placeholders count as resolved, as in the corpus verdicts: `$text` a string, `$json`/`$yaml` objects. */
function stubPlaceholders(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stubPlaceholders);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [only] = entries;
  if (entries.length === 1 && only) {
    if (only[0] === '$text') return 'placeholder text';
    if (only[0] === '$json' || only[0] === '$yaml') return {};
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, stubPlaceholders(v)]));
}

describeWithCorpus('real descriptors agree with Backstage (shared/corpus)', () => {
  const verdicts = readFileSync(join(CORPUS_DIR, 'verdicts.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => verdictSchema.parse(JSON.parse(line)));

  it('covers every verdict', () => {
    expect(verdicts.length).toBeGreaterThan(100);
  });

  it.each(verdicts)('$file #$doc', async ({ file, doc, valid }) => {
    const parsed = parseYamlDocuments(readFileSync(join(CORPUS_DIR, file), 'utf8'));
    const document = parsed.documents.find((d) => d.index === doc);
    const mine = document ? validateEntity(stubPlaceholders(document.value)).ok : false;
    expect(mine, 'Playbill vs recorded verdict').toBe(valid);
    if (document) expect(await backstageAccepts(stubPlaceholders(document.value)), 'catalog-model vs recorded verdict').toBe(valid);
  });
});
