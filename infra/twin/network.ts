/**
 * The twin's network, inside a network namespace that has only loopback: every stand-in
 * endpoint gets an address of its own in 127.77.0.0/16 and the DNS names AWS would give it;
 * sandboxes see a name only when the template's network lets them reach it. The VPC stand-ins
 * (infra/twin/ec2.ts) record subnets, route tables and endpoints here, so a function in an
 * isolated subnet with an S3 gateway endpoint reaches S3 and nothing else, as in AWS.
 */
export interface Endpoint {
  hostname: string;
  address: string;
  /** An AWS service id (`s3`, `lambda`, `ssm`, …) reached through the internet or a VPC endpoint, or `vpc:<id>` for an address inside one VPC. */
  service: string;
}

export interface Reach {
  internet: boolean;
  /** Services reachable through gateway or interface endpoints. */
  services: Set<string>;
  vpc?: string;
}

export class Network {
  private next = 1;
  private readonly addresses = new Map<string, string>();
  readonly endpoints: Endpoint[] = [];
  readonly subnets = new Map<string, { vpc: string; routeTable?: string }>();
  readonly routeTables = new Map<string, { vpc: string; internet: boolean; services: Set<string> }>();
  readonly interfaceEndpoints: { vpc: string; subnets: string[]; service: string }[] = [];

  /** A loopback address of its own for `name` (the same name gets the same address). */
  address(name: string): string {
    let a = this.addresses.get(name);
    if (!a) {
      const n = this.next++;
      a = `127.77.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      this.addresses.set(name, a);
    }
    return a;
  }

  register(hostname: string, address: string, service: string): void {
    const h = hostname.toLowerCase();
    if (this.endpoints.some((e) => e.hostname === h && e.address === address)) return;
    this.endpoints.push({ hostname: h, address, service });
  }

  lookup(hostname: string): string | undefined {
    const h = hostname.toLowerCase();
    return this.endpoints.find((e) => e.hostname === h)?.address;
  }

  /** What a function attached to `subnetIds` reaches (no subnets: a function outside any VPC, with internet). */
  reach(subnetIds: string[] | undefined): Reach {
    if (!subnetIds || subnetIds.length === 0) return { internet: true, services: new Set() };
    const services = new Set<string>();
    let internet = false;
    let vpc: string | undefined;
    for (const id of subnetIds) {
      const subnet = this.subnets.get(id);
      if (!subnet) continue;
      vpc = subnet.vpc;
      const table = subnet.routeTable ? this.routeTables.get(subnet.routeTable) : undefined;
      if (table?.internet) internet = true;
      for (const s of table?.services ?? []) services.add(s);
      for (const e of this.interfaceEndpoints) if (e.subnets.includes(id)) services.add(e.service);
    }
    return { internet, services, vpc };
  }

  reaches(reach: Reach, endpoint: Endpoint): boolean {
    if (endpoint.service.startsWith('vpc:')) return endpoint.service === `vpc:${reach.vpc}`;
    return reach.internet || reach.services.has(endpoint.service);
  }

  /** /etc/hosts for a sandbox with this reach. */
  hostsFile(reach: Reach): string {
    const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost'];
    for (const e of this.endpoints) if (this.reaches(reach, e)) lines.push(`${e.address}\t${e.hostname}`);
    return `${lines.join('\n')}\n`;
  }
}
