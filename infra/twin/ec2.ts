/**
 * The VPC's resources. Nothing runs for them: the twin's network namespace is the network.
 * What they decide is recorded in infra/twin/network.ts — which route table a subnet uses,
 * whether it routes to the internet (an internet or NAT gateway) and which AWS services its
 * gateway and interface endpoints reach — so a function sees only the endpoints its subnets
 * reach in AWS.
 */
import type { ResourceModule, StandIn } from './resource.ts';

const PREFIX: Record<string, string> = {
  'AWS::EC2::VPC': 'vpc', 'AWS::EC2::Subnet': 'subnet', 'AWS::EC2::RouteTable': 'rtb', 'AWS::EC2::SecurityGroup': 'sg',
  'AWS::EC2::InternetGateway': 'igw', 'AWS::EC2::NatGateway': 'nat', 'AWS::EC2::EIP': 'eipalloc', 'AWS::EC2::VPCEndpoint': 'vpce',
  'AWS::EC2::SubnetRouteTableAssociation': 'rtbassoc', 'AWS::EC2::VPCGatewayAttachment': 'igwattach', 'AWS::EC2::Route': 'r',
  'AWS::EC2::SecurityGroupIngress': 'sgr', 'AWS::EC2::SecurityGroupEgress': 'sgr',
};

/** `com.amazonaws.us-east-1.s3` → `s3`. */
const serviceOf = (name: string) => name.split('.').slice(3).join('.');

export const ec2: ResourceModule = {
  types: Object.keys(PREFIX),
  async create({ twin, type, properties: p }) {
    const id = `${PREFIX[type]}-${twin.randomId(17).toLowerCase()}`;
    const net = twin.network;
    const standIn: StandIn = { ref: id, attributes: {} };
    switch (type) {
      case 'AWS::EC2::VPC':
        standIn.attributes = { VpcId: id, CidrBlock: p.CidrBlock, DefaultSecurityGroup: `sg-${twin.randomId(17).toLowerCase()}`, CidrBlockAssociations: [], Ipv6CidrBlocks: [] };
        break;
      case 'AWS::EC2::Subnet':
        net.subnets.set(id, { vpc: p.VpcId });
        standIn.attributes = { SubnetId: id, AvailabilityZone: p.AvailabilityZone, VpcId: p.VpcId, CidrBlock: p.CidrBlock };
        break;
      case 'AWS::EC2::RouteTable':
        net.routeTables.set(id, { vpc: p.VpcId, internet: false, services: new Set() });
        standIn.attributes = { RouteTableId: id };
        break;
      case 'AWS::EC2::SubnetRouteTableAssociation': {
        const subnet = net.subnets.get(p.SubnetId);
        if (subnet) subnet.routeTable = p.RouteTableId;
        standIn.delete = async () => void (subnet && (subnet.routeTable = undefined));
        break;
      }
      case 'AWS::EC2::Route': {
        // A default route through an internet or NAT gateway is the way out; other routes stay local.
        const table = net.routeTables.get(p.RouteTableId);
        if (table && (p.DestinationCidrBlock === '0.0.0.0/0' || p.DestinationIpv6CidrBlock === '::/0') && (p.GatewayId || p.NatGatewayId)) table.internet = true;
        break;
      }
      case 'AWS::EC2::VPCEndpoint': {
        const service = serviceOf(p.ServiceName);
        if ((p.VpcEndpointType ?? 'Gateway') === 'Gateway') {
          for (const rt of p.RouteTableIds ?? []) net.routeTables.get(rt)?.services.add(service);
        } else {
          net.interfaceEndpoints.push({ vpc: p.VpcId, subnets: p.SubnetIds ?? [], service });
        }
        standIn.attributes = { Id: id, DnsEntries: [], NetworkInterfaceIds: [] };
        break;
      }
      case 'AWS::EC2::SecurityGroup':
        standIn.attributes = { GroupId: id, VpcId: p.VpcId };
        break;
      case 'AWS::EC2::EIP':
        standIn.ref = `203.0.113.${1 + (twin.deployed.size % 250)}`;
        standIn.attributes = { AllocationId: id, PublicIp: standIn.ref };
        break;
      case 'AWS::EC2::NatGateway':
        standIn.attributes = { NatGatewayId: id };
        break;
      case 'AWS::EC2::InternetGateway':
        standIn.attributes = { InternetGatewayId: id };
        break;
    }
    return standIn;
  },
};
