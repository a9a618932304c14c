/** SiteDatabase: RDS MySQL or Aurora Serverless v2, its secret, and RDS Proxy. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { auroraInExistingVpc, functionEnv, ingressRules, logicalId, only, synth } from './support.ts';

const mysql = () => synth({ database: 'mysql' });
const aurora = () => synth({ database: 'aurora' });
const auroraNoProxy = () => synth(auroraInExistingVpc());

describe('SiteDatabase', () => {
  it('mysql: RDS MySQL 8 t4g.micro, encrypted, 7-day backups, snapshot on delete, behind RDS Proxy', () => {
    const s = mysql();
    const [, db] = only(s.json, 'AWS::RDS::DBInstance');
    expect(db.Properties).toMatchObject({
      Engine: 'mysql',
      EngineVersion: expect.stringMatching(/^8\./),
      DBInstanceClass: 'db.t4g.micro',
      StorageEncrypted: true,
      Port: '3306',
      BackupRetentionPeriod: 7,
      DeletionProtection: true,
    });
    expect(db.DeletionPolicy).toBe('Snapshot');
    const [proxyId] = only(s.json, 'AWS::RDS::DBProxy');
    const [secretId] = only(s.json, 'AWS::SecretsManager::Secret');
    const env = functionEnv(s);
    expect(env.DB_HOST).toEqual({ 'Fn::GetAtt': [proxyId, 'Endpoint'] });
    expect(env).toMatchObject({ DB_NAME: 'wordpress', DB_USER: 'wordpress', DB_SECRET_ARN: { Ref: secretId } });
    expect(env.DB_PASSWORD).toBeUndefined();
    s.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: { Ref: secretId } }),
        ]),
      },
      Roles: [{ Ref: logicalId(s, s.site.function.role!) }],
    });
  });

  it('aurora: Serverless v2 that may pause at 0 ACU, behind RDS Proxy', () => {
    const s = aurora();
    s.template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-mysql',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2 },
      StorageEncrypted: true,
    });
    s.template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
    only(s.json, 'AWS::RDS::DBProxy');
  });

  it('aurora without proxy in an existing VPC: the function connects to the cluster endpoint', () => {
    const s = auroraNoProxy();
    s.template.resourceCountIs('AWS::RDS::DBProxy', 0);
    const [clusterId] = only(s.json, 'AWS::RDS::DBCluster');
    expect(functionEnv(s).DB_HOST).toEqual({ 'Fn::GetAtt': [clusterId, 'Endpoint.Address'] });
  });

  it('MySQL reaches the database only from the function, through the proxy when there is one', () => {
    for (const s of [mysql(), auroraNoProxy()]) {
      const db = s.site.databaseServer!;
      const fnSg = logicalId(s, s.site.site.securityGroup);
      const dbSg = logicalId(s, db.securityGroup);
      const port = (p: unknown): unknown => {
        const att = (p as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
        return att && /Endpoint\.Port$/.test(att[1]) ? Number(s.json.Resources[att[0]].Properties.Port) : p;
      };
      const rules = ingressRules(s.json)
        .filter(([sg]) => sg === dbSg || (db.proxySecurityGroup && sg === logicalId(s, db.proxySecurityGroup)))
        .map(([sg, r]) => [sg, r.SourceSecurityGroupId, port(r.FromPort), port(r.ToPort)]);
      const expected: unknown[][] = db.proxySecurityGroup
        ? [
            [logicalId(s, db.proxySecurityGroup), { 'Fn::GetAtt': [fnSg, 'GroupId'] }, 3306, 3306],
            [dbSg, { 'Fn::GetAtt': [logicalId(s, db.proxySecurityGroup), 'GroupId'] }, 3306, 3306],
          ]
        : [[dbSg, { 'Fn::GetAtt': [fnSg, 'GroupId'] }, 3306, 3306]];
      expect(rules).toHaveLength(expected.length);
      for (const rule of expected) expect(rules).toContainEqual(rule);
    }
  });

  it('deletionProtection=false deletes the database with the stack instead of keeping a snapshot', () => {
    const [, db] = only(synth({ database: 'mysql', deletionProtection: false }).json, 'AWS::RDS::DBInstance');
    expect(db.Properties.DeletionProtection).toBe(false);
    expect(db.DeletionPolicy).toBe('Delete');
  });

  it('the install waits for the database and its proxy', () => {
    const s = mysql();
    const [, install] = only(s.json, 'Custom::LamphpInstall');
    const deps = install.DependsOn as string[];
    expect(deps).toContain(only(s.json, 'AWS::RDS::DBInstance')[0]);
    expect(deps).toContain(only(s.json, 'AWS::RDS::DBProxy')[0]);
  });
});
