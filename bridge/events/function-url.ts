/** Lambda Function URL events: the HTTP API 2.0 shape, told apart by their `*.lambda-url.*` domain. */
import { v2Adapter } from './apigw-v2.ts';

export const functionUrl = v2Adapter('function-url', 'Function URL event');
