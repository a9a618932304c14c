/** SiteNetwork: the VPC each shape needs, or an existing one described by ids. */
import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SiteNetwork, type SiteNetworkProps } from '../../infra/constructs/network.ts';
import { bareStack, EXISTING_VPC, resources, type Json } from './support.ts';

function network(props: SiteNetworkProps): { net: SiteNetwork; json: Json } {
  const stack = bareStack();
  const net = new SiteNetwork(stack, 'Network', props);
  const created = net.node.findAll().some((c) => c instanceof CfnResource);
  return { net, json: created ? (Template.fromStack(stack).toJSON() as Json) : { Resources: {} } };
}

const subnetsOf = (json: Json) => resources(json, 'AWS::EC2::Subnet').map(([, r]) => r.Properties);

describe('SiteNetwork', () => {
  it('zero fixed cost: two isolated subnets, no NAT, no internet gateway, only the free S3 gateway endpoint', () => {
    const { json, net } = network({ databaseServer: false, publicSubnets: false });
    const subnets = subnetsOf(json);
    expect(subnets).toHaveLength(2);
    expect(subnets.every((s) => s.MapPublicIpOnLaunch === false)).toBe(true);
    expect(resources(json, 'AWS::EC2::NatGateway')).toEqual([]);
    expect(resources(json, 'AWS::EC2::InternetGateway')).toEqual([]);
    expect(resources(json, 'AWS::EC2::Route')).toEqual([]);
    const endpoints = resources(json, 'AWS::EC2::VPCEndpoint').map(([, r]) => r.Properties);
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]!.VpcEndpointType).toBe('Gateway');
    expect(JSON.stringify(endpoints[0]!.ServiceName)).toContain('.s3');
    expect(net.ownsVpc).toBe(true);
    expect(net.dataSubnets).toEqual(net.appSubnets);
  });

  it('database server: NAT for the function (Secrets Manager), isolated subnets for the database', () => {
    const { json } = network({ databaseServer: true, publicSubnets: false });
    expect(resources(json, 'AWS::EC2::NatGateway')).toHaveLength(1);
    // public, app (egress through NAT), data (isolated), in two zones each.
    expect(subnetsOf(json)).toHaveLength(6);
    const routes = resources(json, 'AWS::EC2::Route').map(([, r]) => r.Properties);
    expect(routes.filter((r) => r.NatGatewayId !== undefined)).toHaveLength(2);
    expect(routes.filter((r) => r.GatewayId !== undefined)).toHaveLength(2);
  });

  it('natGateways sets how many NAT gateways a database shape gets', () => {
    expect(resources(network({ databaseServer: true, publicSubnets: false, natGateways: 2 }).json, 'AWS::EC2::NatGateway')).toHaveLength(2);
  });

  it('alb on SQLite: public subnets for the load balancer, still no NAT', () => {
    const { json } = network({ databaseServer: false, publicSubnets: true });
    expect(subnetsOf(json)).toHaveLength(4);
    expect(resources(json, 'AWS::EC2::NatGateway')).toEqual([]);
  });

  it('an existing VPC is described by ids, creates nothing, and must be complete', () => {
    const { json, net } = network({ databaseServer: true, publicSubnets: false, ...EXISTING_VPC, vpcAvailabilityZones: [...EXISTING_VPC.vpcAvailabilityZones], vpcPrivateSubnetIds: [...EXISTING_VPC.vpcPrivateSubnetIds] });
    expect(Object.keys(json.Resources)).toEqual([]);
    expect(net.ownsVpc).toBe(false);
    expect(net.vpc.privateSubnets.map((s) => s.subnetId)).toEqual(EXISTING_VPC.vpcPrivateSubnetIds);
    expect(() => network({ databaseServer: false, publicSubnets: false, vpcId: 'vpc-1', vpcAvailabilityZones: ['a'] })).toThrow(/vpcAvailabilityZones/);
    expect(() =>
      network({ databaseServer: false, publicSubnets: true, vpcId: 'vpc-1', vpcAvailabilityZones: ['a', 'b'], vpcPrivateSubnetIds: ['s1', 's2'] }),
    ).toThrow(/vpcCidrBlock/);
  });
});
