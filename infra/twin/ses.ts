/**
 * Amazon SES in the twin: the SES v2 API at `email.<region>.amazonaws.com` — the one stand-in
 * (infra/twin/standins/ses.ts) with the twin's credentials (signatures checked) and the caller's
 * role policies evaluated for `ses:SendRawEmail` on the sending identity's ARN — and
 * `AWS::SES::EmailIdentity`. An identity the template creates is taken as verified at once (in
 * AWS a domain waits for its DKIM records, an address for its link); one the stack only names
 * (`sesIdentityExists`) is unknown here, so mail from it is refused as unverified. The sandbox's
 * limits (verified recipients, 200 a day) are not modelled. Accepted messages are kept for the
 * control API (`GET /ses/messages`).
 */
import { createHash } from 'node:crypto';
import { readBody, serveEndpoint } from './endpoint.ts';
import { evaluate } from './iam.ts';
import type { ResourceModule } from './resource.ts';
import { createSesApi, type SesMessage } from './standins/ses.ts';
import type { Twin } from './twin.ts';

export interface SesService {
  identities: Set<string>;
  sent: (SesMessage & { at: number })[];
  close(): Promise<void>;
}

export function sesService(twin: Twin): Promise<SesService> {
  return twin.service('ses', async () => {
    const identities = new Set<string>();
    const api = createSesApi({
      credentials: (key) => twin.credentials.secretOf(key),
      verifiedIdentities: () => [...identities],
      authorize: ({ accessKeyId, action, resource }) => {
        const principal = twin.credentials.principalOfKey(accessKeyId);
        if (principal?.kind !== 'role') return false;
        return evaluate({ principal, action, resource, keys: { 'aws:SecureTransport': 'true' } }, undefined, twin.roles.policiesOf(principal.id)) === 'allow';
      },
      account: twin.account,
    });
    const sent: SesService['sent'] = [];
    const endpoint = await serveEndpoint(twin, {
      name: 'ses',
      service: 'ses',
      hostnames: [`email.${twin.region}.amazonaws.com`],
      handler: (req, res) => {
        void readBody(req)
          .then(async (body) => {
            const before = api.sent.length;
            const answer = await api.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: new Uint8Array(body) });
            for (const m of api.sent.slice(before)) {
              sent.push({ ...m, at: twin.clock.now() });
              twin.logs.append('/twin/ses', 'sent', `message ${m.messageId} from ${m.fromEmailAddress} to ${m.destination.to.join(', ')}`);
            }
            if (answer.status >= 400) twin.logs.append('/twin/ses', 'refused', `${answer.status} ${answer.body}`);
            res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) });
            res.end(answer.body);
          })
          .catch((err: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(String((err as Error).message));
          });
      },
    });
    return { identities, sent, close: () => endpoint.close() };
  });
}

/** AWS::SES::EmailIdentity: the identity becomes one SES sends from; a domain gets three DKIM tokens, as Easy DKIM gives. */
export const sesIdentities: ResourceModule = {
  types: ['AWS::SES::EmailIdentity'],
  async create({ twin, properties: p }) {
    const ses = await sesService(twin);
    const identity = String(p.EmailIdentity).toLowerCase();
    ses.identities.add(identity);
    const token = (n: number) => createHash('sha256').update(`${twin.stackId}/${identity}/${n}`).digest('hex').slice(0, 32);
    const attributes: Record<string, string> = {};
    for (const n of [1, 2, 3]) {
      attributes[`DkimDNSTokenName${n}`] = `${token(n)}._domainkey.${identity}`;
      attributes[`DkimDNSTokenValue${n}`] = `${token(n)}.dkim.amazonses.com`;
    }
    return {
      ref: identity,
      attributes,
      update: async () => true,
      delete: async () => void ses.identities.delete(identity),
    };
  },
};
