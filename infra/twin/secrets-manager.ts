/**
 * Secrets Manager: the template's secrets — generated as GenerateSecretString describes
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-secretsmanager-secret-generatesecretstring.html),
 * completed by an RDS target attachment with the database's connection fields — served at
 * `secretsmanager.<region>.amazonaws.com` (GetSecretValue, DescribeSecret) and resolved in
 * `{{resolve:secretsmanager:…}}` references, as the MySQL configuration uses them.
 */
import { randomInt } from 'node:crypto';
import { awsError, awsJsonHandler, serveEndpoint } from './endpoint.ts';
import type { Properties, ResourceModule } from './resource.ts';
import type { Twin } from './twin.ts';

interface Secret {
  arn: string;
  name: string;
  value: string;
}

export interface SecretsService {
  secrets: Map<string, Secret>;
  find(id: string): Secret | undefined;
  close(): Promise<void>;
}

export function secretsService(twin: Twin): Promise<SecretsService> {
  return twin.service('secretsmanager', async () => {
    const secrets = new Map<string, Secret>();
    const find = (id: string) => secrets.get(id) ?? [...secrets.values()].find((s) => s.name === id || s.arn.startsWith(id));
    const get = (id: string) => {
      const s = find(id);
      if (!s) throw awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      return s;
    };
    twin.dynamicResolvers.set('secretsmanager', async (ref) => {
      // secret-id:SecretString:json-key:version-stage:version-id (the id may itself be an ARN with colons)
      const m = /^(.*?)(?::SecretString(?::([^:]*))?(?::([^:]*))?(?::([^:]*))?)?$/.exec(ref)!;
      const value = get(m[1]!).value;
      return m[2] ? String(JSON.parse(value)[m[2]]) : value;
    });
    const endpoint = await serveEndpoint(twin, {
      name: 'secretsmanager',
      service: 'secretsmanager',
      hostnames: [`secretsmanager.${twin.region}.amazonaws.com`],
      handler: awsJsonHandler({
        GetSecretValue: (i) => {
          const s = get(i.SecretId);
          return { ARN: s.arn, Name: s.name, SecretString: s.value, VersionId: 'twin-v1', VersionStages: ['AWSCURRENT'], CreatedDate: twin.clock.now() / 1000 };
        },
        DescribeSecret: (i) => {
          const s = get(i.SecretId);
          return { ARN: s.arn, Name: s.name };
        },
      }),
    });
    return { secrets, find, close: () => endpoint.close() };
  });
}

const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** A password as GenerateSecretString describes it. */
export function generatePassword(g: Properties): string {
  let chars = '';
  if (!g.ExcludeLowercase) chars += 'abcdefghijklmnopqrstuvwxyz';
  if (!g.ExcludeUppercase) chars += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  if (!g.ExcludeNumbers) chars += '0123456789';
  if (!g.ExcludePunctuation) chars += PUNCTUATION;
  if (g.IncludeSpace) chars += ' ';
  const excluded = new Set(String(g.ExcludeCharacters ?? ''));
  const pool = [...chars].filter((c) => !excluded.has(c));
  return Array.from({ length: Number(g.PasswordLength ?? 32) }, () => pool[randomInt(pool.length)]).join('');
}

export const secrets: ResourceModule = {
  types: ['AWS::SecretsManager::Secret', 'AWS::SecretsManager::SecretTargetAttachment'],
  async create({ twin, logicalId, type, properties: p }) {
    const svc = await secretsService(twin);
    if (type === 'AWS::SecretsManager::SecretTargetAttachment') {
      const secret = svc.find(p.SecretId);
      if (!secret) throw new Error(`${logicalId} attaches unknown secret ${p.SecretId}.`);
      // RDS adds the connection fields of its target to the secret's JSON.
      const target = twin.findByRef(p.TargetId);
      const a = target?.standIn.attributes ?? {};
      secret.value = JSON.stringify({ ...JSON.parse(secret.value), engine: 'mysql', host: a['Endpoint.Address'], port: Number(a['Endpoint.Port'] ?? 3306), ...(p.TargetType === 'AWS::RDS::DBInstance' ? { dbInstanceIdentifier: p.TargetId } : { dbClusterIdentifier: p.TargetId }) });
      return { ref: secret.arn };
    }
    const name: string = p.Name ?? `${logicalId}-${twin.randomId(12)}`;
    const arn = `arn:aws:secretsmanager:${twin.region}:${twin.account}:secret:${name}-${twin.randomId(6)}`;
    let value: string = p.SecretString ?? '';
    const g = p.GenerateSecretString;
    if (g) {
      const password = generatePassword(g);
      value = g.SecretStringTemplate ? JSON.stringify({ ...JSON.parse(g.SecretStringTemplate), [g.GenerateStringKey]: password }) : password;
    }
    svc.secrets.set(arn, { arn, name, value });
    return { ref: arn, attributes: { Id: arn }, delete: async () => void svc.secrets.delete(arn) };
  },
};
