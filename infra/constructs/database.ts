/**
 * The MySQL database of the `mysql` (RDS MySQL 8.4) and `aurora` (Aurora MySQL Serverless v2)
 * shapes, with credentials generated into Secrets Manager and, by default, RDS Proxy in front.
 * The function gets the host, name, user and the secret's ARN — never the password.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import { ENV } from '../contracts.ts';
import { Concern } from './concern.ts';
import { acknowledge } from './nag.ts';
import type { SiteNetwork } from './network.ts';

export type DatabaseServerKind = 'mysql' | 'aurora';

export interface SiteDatabaseProps {
  readonly kind: DatabaseServerKind;
  readonly network: SiteNetwork;
  /** RDS Proxy in front of the database. @default true */
  readonly rdsProxy?: boolean;
  /** RDS instance class for `mysql`. @default t4g.micro */
  readonly instanceType?: ec2.InstanceType;
  /** Aurora Serverless v2 minimum ACU; 0 lets the cluster pause (resume takes ~15 s). @default 0 */
  readonly auroraMinCapacity?: number;
  /** @default 2 */
  readonly auroraMaxCapacity?: number;
  /** Protect the database (and snapshot it) against stack deletion. @default true */
  readonly deletionProtection?: boolean;
}

export const DATABASE_NAME = 'wordpress';
export const DATABASE_USER = 'wordpress';
const PORT = 3306;

export class SiteDatabase extends Concern {
  readonly server: rds.DatabaseInstance | rds.DatabaseCluster;
  readonly secret: rds.DatabaseSecret;
  readonly proxy?: rds.DatabaseProxy;
  readonly securityGroup: ec2.SecurityGroup;
  readonly proxySecurityGroup?: ec2.SecurityGroup;
  /** What the function connects to: the proxy endpoint, or the server's. */
  readonly host: string;

  constructor(scope: Construct, id: string, props: SiteDatabaseProps) {
    super(scope, id);
    const { vpc, dataSubnets } = props.network;
    this.securityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc,
      description: 'WordPress database: MySQL from the function (or its RDS Proxy) only',
      allowAllOutbound: false,
    });
    this.secret = new rds.DatabaseSecret(this, 'DatabaseSecret', { username: DATABASE_USER });
    const credentials = rds.Credentials.fromSecret(this.secret);
    const deletionProtection = props.deletionProtection ?? true;
    const removalPolicy = deletionProtection ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY;
    let proxyTarget: rds.ProxyTarget;
    if (props.kind === 'mysql') {
      const instance = new rds.DatabaseInstance(this, 'Database', {
        engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_4_10 }),
        port: PORT,
        instanceType: props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
        vpc,
        vpcSubnets: dataSubnets,
        securityGroups: [this.securityGroup],
        credentials,
        databaseName: DATABASE_NAME,
        allocatedStorage: 20,
        maxAllocatedStorage: 100,
        storageEncrypted: true,
        multiAz: false,
        backupRetention: Duration.days(7),
        deletionProtection,
        removalPolicy,
        iamAuthentication: true,
      });
      this.server = instance;
      proxyTarget = rds.ProxyTarget.fromInstance(instance);
      acknowledge(instance, 'AwsSolutions-RDS3', 'Single-AZ keeps the smallest WordPress stack affordable; set multiAz on the instance for production availability.');
    } else {
      const cluster = new rds.DatabaseCluster(this, 'Database', {
        engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_10_3 }),
        port: PORT,
        writer: rds.ClusterInstance.serverlessV2('writer'),
        serverlessV2MinCapacity: props.auroraMinCapacity ?? 0,
        serverlessV2MaxCapacity: props.auroraMaxCapacity ?? 2,
        vpc,
        vpcSubnets: dataSubnets,
        securityGroups: [this.securityGroup],
        credentials,
        defaultDatabaseName: DATABASE_NAME,
        storageEncrypted: true,
        backup: { retention: Duration.days(7) },
        deletionProtection,
        removalPolicy,
        iamAuthentication: true,
      });
      this.server = cluster;
      proxyTarget = rds.ProxyTarget.fromCluster(cluster);
      acknowledge(cluster, 'AwsSolutions-RDS14', 'Backtrack is not used: 7-day automated backups give point-in-time restore.');
    }
    acknowledge(this.secret, 'AwsSolutions-SMG4', 'Rotation needs a rotation function with network access to the database; WordPress reads the password once per runtime start, so rotation is left as an opt-in.');
    if (!deletionProtection) {
      acknowledge(this.server, 'AwsSolutions-RDS10', 'Deletion protection was turned off on purpose (deletionProtection=false): the database is deleted with the stack, without a final snapshot.');
    }
    acknowledge(this.server, 'AwsSolutions-RDS11', 'The port is not a security boundary here: the database security group admits 3306 only from the function (or its RDS Proxy).');

    if (props.rdsProxy === false) {
      this.host = this.server instanceof rds.DatabaseInstance ? this.server.dbInstanceEndpointAddress : this.server.clusterEndpoint.hostname;
      return;
    }
    this.proxySecurityGroup = new ec2.SecurityGroup(this, 'DatabaseProxySecurityGroup', {
      vpc,
      description: 'RDS Proxy: MySQL from the WordPress function only',
      allowAllOutbound: false,
    });
    this.proxy = new rds.DatabaseProxy(this, 'DatabaseProxy', {
      proxyTarget,
      secrets: [this.secret],
      vpc,
      vpcSubnets: dataSubnets,
      securityGroups: [this.proxySecurityGroup],
      // WordPress's mysqli does not ask for TLS; the traffic never leaves the VPC.
      requireTLS: false,
      iamAuth: false,
    });
    // DatabaseProxy itself opens the database's port to proxySecurityGroup.
    this.host = this.proxy.endpoint;
  }

  /** Admits MySQL connections from the function (to the proxy when there is one). */
  allowFrom(peer: ec2.ISecurityGroup): void {
    (this.proxySecurityGroup ?? this.securityGroup).addIngressRule(peer, ec2.Port.tcp(PORT), 'MySQL from the WordPress function');
  }

  /** The function's database settings; the password stays in the secret. */
  environment(): Record<string, string> {
    return {
      [ENV.dbHost]: this.host,
      [ENV.dbName]: DATABASE_NAME,
      [ENV.dbUser]: DATABASE_USER,
      [ENV.dbSecretArn]: this.secret.secretArn,
    };
  }
}
