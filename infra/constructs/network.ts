/**
 * The site's network: a new VPC shaped by the database and the front door, or an existing one
 * described by ids (no lookups, so synthesis stays offline).
 *
 * - `sqlite`: two isolated subnets, no NAT, only the free S3 gateway endpoint.
 * - `mysql`/`aurora`: public subnets with NAT, private subnets with egress for the function
 *   (Secrets Manager), isolated subnets for the database.
 * - `alb`: an internal load balancer in the app subnets, reached by CloudFront through a VPC
 *   origin; the VPC keeps public subnets for the internet gateway VPC origins require.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { Concern } from './concern.ts';

export interface SiteNetworkProps {
  /** A database server needs egress (Secrets Manager) and subnets of its own. */
  readonly databaseServer: boolean;
  /** The ALB front door: an internet gateway (public subnets) and the VPC's CIDR for its security group. */
  readonly publicSubnets: boolean;
  /** NAT gateways when the function needs egress. @default 1 */
  readonly natGateways?: number;
  /** Existing VPC (no lookups: every id comes from props/context). */
  readonly vpcId?: string;
  readonly vpcAvailabilityZones?: string[];
  /** Subnets for the function, EFS and the database (private, ≥ 2 AZs). */
  readonly vpcPrivateSubnetIds?: string[];
  /** Public subnets (unused by the stack; given for completeness). */
  readonly vpcPublicSubnetIds?: string[];
  /** The existing VPC's IPv4 CIDR (the alb front door admits CloudFront's VPC origin from it). */
  readonly vpcCidrBlock?: string;
}

export class SiteNetwork extends Concern {
  readonly vpc: ec2.IVpc;
  /** The function and EFS. */
  readonly appSubnets: ec2.SubnetSelection;
  /** The database (the app subnets when there is no database server). */
  readonly dataSubnets: ec2.SubnetSelection;
  /** The ALB. */
  readonly publicSubnets: ec2.SubnetSelection;
  /** Whether this construct created the VPC (an existing one is the account's business). */
  readonly ownsVpc: boolean;
  /**
   * The S3 gateway endpoint of a VPC this construct created: what the install reads the
   * WordPress asset through and the uploads sync writes through where there is no NAT.
   * Undefined for an existing VPC, whose S3 route is the account's business.
   */
  readonly s3Endpoint?: ec2.IGatewayVpcEndpoint;

  constructor(scope: Construct, id: string, props: SiteNetworkProps) {
    super(scope, id);
    if (props.vpcId !== undefined) {
      const azs = props.vpcAvailabilityZones ?? [];
      const privateIds = props.vpcPrivateSubnetIds ?? [];
      if (azs.length < 2 || privateIds.length !== azs.length) {
        throw new Error('vpcId needs vpcAvailabilityZones (≥ 2) and one vpcPrivateSubnetIds entry per zone.');
      }
      if (props.publicSubnets && props.vpcCidrBlock === undefined) {
        throw new Error('The alb front door in an existing VPC needs vpcCidrBlock (the VPC\'s IPv4 CIDR), and the VPC an internet gateway (CloudFront VPC origins require one).');
      }
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: props.vpcId,
        availabilityZones: azs,
        privateSubnetIds: privateIds,
        publicSubnetIds: props.vpcPublicSubnetIds,
        vpcCidrBlock: props.vpcCidrBlock,
      });
      this.appSubnets = { subnets: this.vpc.privateSubnets };
      this.dataSubnets = this.appSubnets;
      this.publicSubnets = { subnets: this.vpc.publicSubnets };
      this.ownsVpc = false;
      return;
    }
    const server = props.databaseServer;
    const subnetConfiguration: ec2.SubnetConfiguration[] = [];
    if (server || props.publicSubnets) {
      subnetConfiguration.push({ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 });
    }
    subnetConfiguration.push({
      name: 'app',
      subnetType: server ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
      cidrMask: 22,
    });
    if (server) subnetConfiguration.push({ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.60.0.0/16'),
      maxAzs: 2,
      natGateways: server ? (props.natGateways ?? 1) : 0,
      subnetConfiguration,
      // Free: S3 (uploads sync, install assets) without a NAT gateway.
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
      restrictDefaultSecurityGroup: false,
    });
    this.s3Endpoint = this.vpc.node.findChild('S3') as ec2.GatewayVpcEndpoint;
    this.appSubnets = { subnetGroupName: 'app' };
    this.dataSubnets = { subnetGroupName: server ? 'data' : 'app' };
    this.publicSubnets = { subnetType: ec2.SubnetType.PUBLIC };
    this.ownsVpc = true;
  }
}
