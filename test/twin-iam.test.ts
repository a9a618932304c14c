/**
 * The twin's IAM evaluation, on the policies the stack's template really has: the uploads
 * bucket's policy (TLS only; CloudFront's OAC for this distribution) and wildcard actions.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, PolicyError, type PolicyDocument, type RequestContext } from '../infra/twin/iam.ts';

const BUCKET = 'arn:aws:s3:::site-uploads';
const DISTRIBUTION = 'arn:aws:cloudfront::123456789012:distribution/E1';
const policy: PolicyDocument = {
  Statement: [
    { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: [BUCKET, `${BUCKET}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    { Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Resource: `${BUCKET}/*`, Condition: { StringEquals: { 'AWS:SourceArn': DISTRIBUTION } } },
  ],
};
const cloudfront = (action: string, resource: string, keys: Record<string, string> = {}): RequestContext => ({
  principal: { kind: 'service', id: 'cloudfront.amazonaws.com' },
  action,
  resource,
  keys: { 'aws:SecureTransport': 'true', 'aws:SourceArn': DISTRIBUTION, ...keys },
});

describe('IAM evaluation', () => {
  it("allows the distribution's OAC to read objects, nothing else, and never without TLS", () => {
    expect(evaluate(cloudfront('s3:GetObject', `${BUCKET}/wp-content/uploads/a.png`), policy)).toBe('allow');
    expect(evaluate(cloudfront('s3:ListBucket', BUCKET), policy)).toBe('implicit-deny');
    expect(evaluate(cloudfront('s3:GetObject', `${BUCKET}/a`, { 'aws:SourceArn': 'arn:aws:cloudfront::123456789012:distribution/OTHER' }), policy)).toBe('implicit-deny');
    expect(evaluate(cloudfront('s3:GetObject', `${BUCKET}/a`, { 'aws:SecureTransport': 'false' }), policy)).toBe('deny');
  });

  it("gives a role what its identity policy allows, case-insensitive actions, wildcards in both", () => {
    const role: RequestContext = { principal: { kind: 'role', id: 'arn:aws:iam::123456789012:role/fn' }, action: 's3:PutObject', resource: `${BUCKET}/x/y`, keys: { 'aws:SecureTransport': 'true' } };
    const identity: PolicyDocument = { Statement: [{ Effect: 'Allow', Action: ['s3:GetObject*', 's3:PUT*'], Resource: `${BUCKET}/*` }] };
    expect(evaluate(role, policy, [identity])).toBe('allow');
    expect(evaluate({ ...role, action: 's3:DeleteObject' }, policy, [identity])).toBe('implicit-deny');
    expect(evaluate({ ...role, keys: { 'aws:SecureTransport': 'false' } }, policy, [identity])).toBe('deny');
  });

  it('refuses to guess an operator it does not know', () => {
    const odd: PolicyDocument = { Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] };
    expect(() => evaluate(cloudfront('s3:GetObject', `${BUCKET}/a`), odd)).toThrow(PolicyError);
  });
});
