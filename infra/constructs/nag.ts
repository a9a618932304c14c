/**
 * cdk-nag AwsSolutions findings a concern accepts, each with its reason (infra/README.md,
 * "cdk-nag"). Acknowledged by full rule id on the construct concerned.
 */
import { CfnElement, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { flatLogicalId } from './concern.ts';

export function acknowledge(scope: IConstruct | undefined, id: string, reason: string): void {
  if (scope !== undefined) Validations.of(scope).acknowledge({ id, reason });
}

/** How cdk-nag names a resource's ARN in a finding id: `<LogicalId.Arn>`. */
export function nagArn(construct: IConstruct): string {
  const element = construct.node.defaultChild;
  if (!CfnElement.isCfnElement(element)) throw new Error(`${construct.node.path} has no CloudFormation resource.`);
  return `<${flatLogicalId(element)}.Arn>`;
}

export const BASIC_EXECUTION_ROLE =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
export const VPC_EXECUTION_ROLE =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]';
