/**
 * AWS list prices the bill estimate uses — one table, US East (N. Virginia), on-demand, USD,
 * no tax. Each row says where the number was read and how sure it is:
 *   - `official`: read on the AWS page named (a stored copy of it, dated by `asOf`);
 *   - `secondary`: the AWS page renders that rate with script, so the number comes from the
 *     dated third-party page in `confirmedBy`, which cites the AWS page;
 *   - `unconfirmed`: no copy of any page with this rate could be read when the table was
 *     written; the value is AWS's long-standing list price as last known. Check it.
 * Change a price here and nowhere else; the bill renders this table beside its result.
 */

export type Confidence = 'official' | 'secondary' | 'unconfirmed';

export interface Price {
  id: string;
  service: string;
  what: string;
  usd: number;
  /** The quantity `usd` buys, e.g. 'GB-second', '1M requests', 'GB-month', 'hour'. */
  unit: string;
  source: string;
  confidence: Confidence;
  /** Third-party page that states the rate (for `secondary`). */
  confirmedBy?: string;
  /** When the rate was read (the page copy's date when it shows one). */
  asOf: string;
}

/** When this table was last checked as a whole. */
export const PRICES_CHECKED = '2026-12-04';

const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const EFS = 'https://aws.amazon.com/efs/pricing/';
const S3 = 'https://aws.amazon.com/s3/pricing/';
const CLOUDFRONT = 'https://aws.amazon.com/cloudfront/pricing/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const RDS_MYSQL = 'https://aws.amazon.com/rds/mysql/pricing/';
const AURORA = 'https://aws.amazon.com/rds/aurora/pricing/';
const RDS_PROXY = 'https://aws.amazon.com/rds/proxy/pricing/';
const VPC = 'https://aws.amazon.com/vpc/pricing/';
const ELB = 'https://aws.amazon.com/elasticloadbalancing/pricing/';
const SES = 'https://aws.amazon.com/ses/pricing/';
const SECRETS = 'https://aws.amazon.com/secrets-manager/pricing/';
const BACKUP = 'https://aws.amazon.com/backup/pricing/';

export const PRICES: readonly Price[] = [
  // Lambda: INIT is billed like the invocation's duration for managed runtimes since 2025-08-01
  // (https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/).
  { id: 'lambda.requests', service: 'Lambda', what: 'requests (either architecture)', usd: 0.2, unit: '1M requests', source: LAMBDA, confidence: 'official', asOf: '2026-06-18' },
  { id: 'lambda.duration.arm64', service: 'Lambda', what: 'duration incl. INIT, arm64, first 7.5 billion GB-s a month', usd: 0.0000133334, unit: 'GB-second', source: LAMBDA, confidence: 'secondary', confirmedBy: 'https://app.unpkg.com/artillery@2.0.28/files/lib/platform/aws-lambda/prices.js', asOf: '2026-03-08' },
  { id: 'lambda.duration.x86_64', service: 'Lambda', what: 'duration incl. INIT, x86_64, first 6 billion GB-s a month', usd: 0.0000166667, unit: 'GB-second', source: LAMBDA, confidence: 'secondary', confirmedBy: 'https://app.unpkg.com/artillery@2.0.28/files/lib/platform/aws-lambda/prices.js', asOf: '2026-03-08' },
  // EFS (Regional, Elastic throughput — the template's ThroughputMode).
  { id: 'efs.storage', service: 'EFS', what: 'Standard storage', usd: 0.3, unit: 'GB-month', source: EFS, confidence: 'official', asOf: '2026-06-13' },
  // Infrequent Access, for file systems with a lifecycle policy (the template's TransitionToIA). The
  // pricing page renders with script; the rates are its Elastic-throughput table as copied when EFS
  // Archive launched (late November 2023, when IA went from $0.025 to $0.016; pages quoting $0.025
  // give the rate before). AWS's lifecycle guide: metadata always stays in Standard, and a file is
  // billed as Standard while it moves (https://docs.aws.amazon.com/efs/latest/ug/lifecycle-management-efs.html);
  // its earlier edition adds that files under 128 KiB are not moved and that reads from IA and moves
  // into it are charged per GB (https://github.com/awsdocs/amazon-efs-user-guide, doc_source/lifecycle-management-efs.md).
  { id: 'efs.ia.storage', service: 'EFS', what: 'Infrequent Access storage', usd: 0.016, unit: 'GB-month', source: EFS, confidence: 'secondary', confirmedBy: 'https://blog.gslin.org/archives/tag/tiering/', asOf: '2026-12-05' },
  { id: 'efs.ia.read', service: 'EFS', what: 'Infrequent Access, reads (on top of the throughput charge)', usd: 0.01, unit: 'GB', source: EFS, confidence: 'secondary', confirmedBy: 'https://blog.gslin.org/archives/tag/tiering/', asOf: '2026-12-05' },
  { id: 'efs.ia.tiering', service: 'EFS', what: 'Infrequent Access, tiering (data moved into IA)', usd: 0.01, unit: 'GB', source: EFS, confidence: 'secondary', confirmedBy: 'https://blog.gslin.org/archives/tag/tiering/', asOf: '2026-12-05' },
  { id: 'efs.elastic.read', service: 'EFS', what: 'Elastic throughput, data and metadata read', usd: 0.03, unit: 'GB', source: EFS, confidence: 'secondary', confirmedBy: 'https://www.factualminds.com/blog/amazon-efs-pricing-throughput-modes-storage-classes/', asOf: '2026-06-13' },
  { id: 'efs.elastic.write', service: 'EFS', what: 'Elastic throughput, data and metadata written', usd: 0.06, unit: 'GB', source: EFS, confidence: 'secondary', confirmedBy: 'https://www.factualminds.com/blog/amazon-efs-pricing-throughput-modes-storage-classes/', asOf: '2026-06-13' },
  { id: 'efs.backup', service: 'AWS Backup', what: 'EFS backup, warm storage', usd: 0.05, unit: 'GB-month', source: BACKUP, confidence: 'unconfirmed', asOf: PRICES_CHECKED },
  // S3 Standard.
  { id: 's3.storage', service: 'S3', what: 'Standard storage, first 50 TB', usd: 0.023, unit: 'GB-month', source: S3, confidence: 'unconfirmed', asOf: PRICES_CHECKED },
  { id: 's3.put', service: 'S3', what: 'PUT, COPY, POST, LIST requests', usd: 0.005, unit: '1,000 requests', source: S3, confidence: 'unconfirmed', asOf: PRICES_CHECKED },
  { id: 's3.get', service: 'S3', what: 'GET and other requests', usd: 0.0004, unit: '1,000 requests', source: S3, confidence: 'unconfirmed', asOf: PRICES_CHECKED },
  // CloudFront (viewers in the United States, Mexico and Canada).
  { id: 'cloudfront.transfer', service: 'CloudFront', what: 'data transfer out to the internet, first 10 TB', usd: 0.085, unit: 'GB', source: CLOUDFRONT, confidence: 'official', asOf: '2026-06-18' },
  { id: 'cloudfront.requests', service: 'CloudFront', what: 'HTTPS requests', usd: 0.01, unit: '10,000 requests', source: CLOUDFRONT, confidence: 'secondary', confirmedBy: 'https://wring.co/blog/aws-cloudfront-pricing-guide', asOf: '2026-03-08' },
  { id: 'cloudfront.functions', service: 'CloudFront', what: 'CloudFront Functions invocations', usd: 0.1, unit: '1M invocations', source: CLOUDFRONT, confidence: 'secondary', confirmedBy: 'https://cur.vantage.sh/aws/amazoncloudfront/', asOf: '2026-06-18' },
  { id: 'cloudfront.origin-transfer', service: 'CloudFront', what: 'data transfer out to the origin (request bodies)', usd: 0.02, unit: 'GB', source: CLOUDFRONT, confidence: 'unconfirmed', asOf: PRICES_CHECKED },
  { id: 'cloudfront.invalidation', service: 'CloudFront', what: 'invalidation paths beyond the first 1,000 a month', usd: 0.005, unit: 'path', source: 'https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/cloudfront.html', confidence: 'official', asOf: PRICES_CHECKED },
  // CloudWatch.
  { id: 'cloudwatch.alarm', service: 'CloudWatch', what: 'standard-resolution alarm metric', usd: 0.1, unit: 'alarm-month', source: CLOUDWATCH, confidence: 'unconfirmed', asOf: PRICES_CHECKED },
  { id: 'cloudwatch.logs.ingest', service: 'CloudWatch', what: 'Logs ingestion (Standard class)', usd: 0.5, unit: 'GB', source: CLOUDWATCH, confidence: 'secondary', confirmedBy: 'https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/', asOf: '2026-06-13' },
  { id: 'cloudwatch.logs.storage', service: 'CloudWatch', what: 'Logs storage (archive)', usd: 0.03, unit: 'GB-month', source: CLOUDWATCH, confidence: 'unconfirmed', asOf: PRICES_CHECKED },
  // The MySQL shapes.
  { id: 'rds.db.t4g.micro', service: 'RDS for MySQL', what: 'db.t4g.micro, Single-AZ', usd: 0.016, unit: 'hour', source: RDS_MYSQL, confidence: 'secondary', confirmedBy: 'https://infratally.com/articles/aws-rds-pricing-explained-2026.html', asOf: '2026-05-21' },
  { id: 'rds.storage.gp2', service: 'RDS for MySQL', what: 'General Purpose (gp2/gp3) storage, Single-AZ', usd: 0.115, unit: 'GB-month', source: RDS_MYSQL, confidence: 'secondary', confirmedBy: 'https://www.usage.ai/blogs/aws/reserved-instances/rds/pricing-calculator/', asOf: '2026-06-01' },
  { id: 'aurora.acu', service: 'Aurora MySQL', what: 'Serverless v2 capacity', usd: 0.12, unit: 'ACU-hour', source: AURORA, confidence: 'secondary', confirmedBy: 'https://c3x.dev/blog/aws-aurora-serverless-v2-cost/', asOf: '2026-05-01' },
  { id: 'aurora.storage', service: 'Aurora MySQL', what: 'storage (Aurora Standard)', usd: 0.1, unit: 'GB-month', source: AURORA, confidence: 'secondary', confirmedBy: 'https://awsnegotiations.com/blog/aurora-serverless-v2-pricing.html', asOf: '2026-05-01' },
  { id: 'aurora.io', service: 'Aurora MySQL', what: 'I/O requests (Aurora Standard)', usd: 0.2, unit: '1M requests', source: AURORA, confidence: 'unconfirmed', asOf: PRICES_CHECKED },
  { id: 'rdsproxy.vcpu', service: 'RDS Proxy', what: 'per vCPU of the target instance (minimum 2 vCPU)', usd: 0.015, unit: 'vCPU-hour', source: RDS_PROXY, confidence: 'unconfirmed', asOf: PRICES_CHECKED },
  { id: 'rdsproxy.acu', service: 'RDS Proxy', what: 'per ACU of an Aurora Serverless v2 target (minimum 8 ACU)', usd: 0.015, unit: 'ACU-hour', source: RDS_PROXY, confidence: 'unconfirmed', asOf: PRICES_CHECKED },
  { id: 'nat.hour', service: 'VPC', what: 'NAT gateway', usd: 0.045, unit: 'hour', source: VPC, confidence: 'secondary', confirmedBy: 'https://cloudburn.io/blog/aws-nat-gateway-pricing', asOf: '2026-02-24' },
  { id: 'nat.data', service: 'VPC', what: 'NAT gateway data processed', usd: 0.045, unit: 'GB', source: VPC, confidence: 'secondary', confirmedBy: 'https://cloudburn.io/blog/aws-nat-gateway-pricing', asOf: '2026-02-24' },
  { id: 'vpc.public-ipv4', service: 'VPC', what: 'public IPv4 address in use (NAT gateway, load balancer node)', usd: 0.005, unit: 'hour', source: VPC, confidence: 'secondary', confirmedBy: 'https://cloudburn.io/blog/aws-nat-gateway-pricing', asOf: '2026-02-24' },
  { id: 'alb.hour', service: 'Elastic Load Balancing', what: 'Application Load Balancer', usd: 0.0225, unit: 'hour', source: ELB, confidence: 'unconfirmed', asOf: PRICES_CHECKED },
  { id: 'alb.lcu', service: 'Elastic Load Balancing', what: 'Application Load Balancer capacity unit', usd: 0.008, unit: 'LCU-hour', source: ELB, confidence: 'unconfirmed', asOf: PRICES_CHECKED },
  { id: 'secrets.secret', service: 'Secrets Manager', what: 'secret stored', usd: 0.4, unit: 'secret-month', source: SECRETS, confidence: 'unconfirmed', asOf: PRICES_CHECKED },
  { id: 'ses.message', service: 'SES', what: 'outbound message', usd: 0.1, unit: '1,000 messages', source: SES, confidence: 'unconfirmed', asOf: PRICES_CHECKED },
];

export interface FreeTier {
  /** The price row it offsets. */
  price: string;
  /** Quantity free each month, in the price's unit. */
  quantity: number;
  what: string;
  source: string;
}

/**
 * Always-free allowances only (every account, every month). Offers for new accounts (12-month
 * tiers, credits) are left out. The bill shows these apart; it never subtracts them silently.
 */
export const FREE_TIER: readonly FreeTier[] = [
  { price: 'lambda.requests', quantity: 1, what: '1M requests a month', source: LAMBDA },
  { price: 'lambda.duration.arm64', quantity: 400_000, what: '400,000 GB-s a month (shared by both architectures)', source: LAMBDA },
  { price: 'lambda.duration.x86_64', quantity: 400_000, what: '400,000 GB-s a month (shared by both architectures)', source: LAMBDA },
  { price: 'cloudfront.transfer', quantity: 1024, what: '1 TB out a month', source: CLOUDFRONT },
  { price: 'cloudfront.requests', quantity: 1000, what: '10M requests a month', source: CLOUDFRONT },
  { price: 'cloudfront.functions', quantity: 2, what: '2M function invocations a month', source: CLOUDFRONT },
  { price: 'cloudfront.invalidation', quantity: 1000, what: '1,000 invalidation paths a month', source: CLOUDFRONT },
  { price: 'cloudwatch.alarm', quantity: 10, what: '10 standard alarm metrics', source: CLOUDWATCH },
  { price: 'cloudwatch.logs.ingest', quantity: 5, what: '5 GB of log data (ingestion, storage and queries together)', source: CLOUDWATCH },
];

export function price(id: string, table: readonly Price[] = PRICES): Price {
  const found = table.find((p) => p.id === id);
  if (!found) throw new Error(`No price "${id}" in bench/replay/prices.ts.`);
  return found;
}
