/**
 * Mail from the site: the Amazon SES identity WordPress sends from (a domain or an address),
 * created by the stack unless it already exists in the account and region, the sender address
 * the function forces on every message (LAMPHP_MAIL_FROM), what the operator must do before SES
 * sends anything (outputs: the DKIM records to publish, or the address to confirm), and the
 * permission to send from that identity and no other.
 */
import { CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { Concern } from './concern.ts';

export interface SiteMailProps {
  /** The SES identity: a domain (`example.com`) or an address (`blog@example.com`). */
  readonly identity: string;
  /** The sender every message gets. @default the identity's address, or `wordpress@<domain>` */
  readonly from?: string;
  /** The identity is already verified in this account and region: use it, do not create it. @default false */
  readonly identityExists?: boolean;
}

const ADDRESS = /^[^\s@]+@([a-z0-9-]+(\.[a-z0-9-]+)+)$/i;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

/** The sender address for an identity, checked against it (SES sends only from what it verified). */
export function senderFor(identity: string, from?: string): string {
  const isAddress = ADDRESS.test(identity);
  if (!isAddress && !DOMAIN.test(identity)) throw new Error(`sesIdentity must be a domain (example.com) or an e-mail address, got "${identity}".`);
  if (from === undefined) return isAddress ? identity : `wordpress@${identity.toLowerCase()}`;
  const domain = ADDRESS.exec(from)?.[1]?.toLowerCase();
  if (!domain) throw new Error(`mailFrom must be an e-mail address, got "${from}".`);
  const covered = isAddress ? from.toLowerCase() === identity.toLowerCase() : domain === identity.toLowerCase() || domain.endsWith(`.${identity.toLowerCase()}`);
  if (!covered) {
    throw new Error(`mailFrom ${from} is not covered by the SES identity ${identity}: SES sends only from a verified address or from addresses of a verified domain (and its subdomains).`);
  }
  return from;
}

export class SiteMail extends Concern {
  /** LAMPHP_MAIL_FROM: the verified sender every message is sent as. */
  readonly from: string;
  readonly identity: string;
  /** `arn:aws:ses:<region>:<account>:identity/<identity>`: the only resource sending is granted on. */
  readonly identityArn: string;
  readonly emailIdentity?: ses.EmailIdentity;

  constructor(scope: Construct, id: string, props: SiteMailProps) {
    super(scope, id);
    this.identity = props.identity.toLowerCase();
    this.from = senderFor(this.identity, props.from);
    const isDomain = !this.identity.includes('@');
    if (props.identityExists) {
      this.identityArn = Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: this.identity });
    } else {
      this.emailIdentity = new ses.EmailIdentity(this, 'MailIdentity', {
        identity: isDomain ? ses.Identity.domain(this.identity) : ses.Identity.email(this.identity),
      });
      this.identityArn = this.emailIdentity.emailIdentityArn;
    }
    new CfnOutput(this, 'MailFrom', { description: 'The address WordPress sends mail from (LAMPHP_MAIL_FROM)', value: this.from });
    if (this.emailIdentity && isDomain) {
      const records = this.emailIdentity.dkimRecords.map((r) => Fn.join(' ', [r.name, 'CNAME', r.value]));
      new CfnOutput(this, 'MailDnsRecords', {
        description: `Publish these three CNAME records in ${this.identity}'s DNS; SES verifies the domain (Easy DKIM) once it sees them`,
        value: Fn.join(' | ', records),
      });
    } else if (this.emailIdentity) {
      new CfnOutput(this, 'MailVerification', {
        description: 'SES verifies an address by e-mail',
        value: `SES has e-mailed ${this.identity} a verification link: open it before the site sends mail`,
      });
    }
    new CfnOutput(this, 'MailSandbox', {
      description: 'SES starts every account in its sandbox',
      value: 'In the SES sandbox mail reaches only verified identities (200 a day, 1 a second): request production access in the SES console (Account dashboard) for mail to anyone',
    });
  }

  /** ses:SendEmail and ses:SendRawEmail (what SESv2 SendEmail with raw content checks) on this identity only. */
  grantSend(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['ses:SendEmail', 'ses:SendRawEmail'], resourceArns: [this.identityArn] });
  }
}
