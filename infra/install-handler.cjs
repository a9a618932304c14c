'use strict';
// The stack's custom resources, run outside the VPC (infra/contracts.ts, infra/README.md "Install"):
// - Custom::LamphpInstall invokes the WordPress function with the install command (Create: install,
//   Update: update) and keeps the first admin password only in an SSM SecureString parameter.
// - Custom::LamphpOriginSecret answers a new random origin secret (NoEcho) on Create and Update.
// AWS endpoints come from the SDK's usual sources (AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL_SSM, …).
const { randomBytes } = require('node:crypto');
const { LambdaClient, InvokeCommand } = require('@aws-sdk/client-lambda');
const { SSMClient, PutParameterCommand, DeleteParameterCommand } = require('@aws-sdk/client-ssm');

exports.handler = async (event) => {
  const p = event.ResourceProperties;
  if (event.ResourceType === 'Custom::LamphpOriginSecret') {
    const id = event.PhysicalResourceId || 'lamphp-origin-secret-' + p.Slot;
    if (event.RequestType === 'Delete') return { PhysicalResourceId: id };
    return { PhysicalResourceId: id, NoEcho: true, Data: { Value: randomBytes(32).toString('base64url') } };
  }
  const id = event.PhysicalResourceId || 'lamphp-install-' + p.SiteId;
  const ssm = new SSMClient({});
  if (event.RequestType === 'Delete') {
    await ssm.send(new DeleteParameterCommand({ Name: p.AdminPasswordParameter })).catch((err) => {
      if (err.name !== 'ParameterNotFound') throw err;
    });
    return { PhysicalResourceId: id };
  }
  const lamphp = { command: 'install', mode: event.RequestType === 'Create' ? 'install' : 'update', siteUrl: p.SiteUrl, distributionId: p.DistributionId };
  if (p.AssetBucket) Object.assign(lamphp, { assetBucket: p.AssetBucket, assetKey: p.AssetKey });
  const res = await new LambdaClient({}).send(new InvokeCommand({ FunctionName: p.FunctionName, Payload: JSON.stringify({ lamphp }) }));
  const text = res.Payload ? Buffer.from(res.Payload).toString('utf8') : '';
  if (res.FunctionError) {
    let e = {};
    try { e = JSON.parse(text); } catch {}
    throw new Error('lamphp install failed (' + res.FunctionError + '): ' + String(e.errorType || '') + ' ' + String(e.errorMessage || '').slice(0, 1000));
  }
  const result = JSON.parse(text || '{}');
  if (result.admin && result.admin.password) {
    await ssm.send(new PutParameterCommand({ Name: p.AdminPasswordParameter, Type: 'SecureString', Value: result.admin.password, Overwrite: true,
      Description: 'First WordPress admin password of ' + p.SiteUrl + ' (user ' + result.admin.user + '); change it after logging in' }));
  }
  // What was done, never the result itself: it may carry the password.
  console.log(JSON.stringify({ level: 'info', msg: 'install finished', mode: lamphp.mode, changed: result.changed === true, installed: result.installed === true }));
  return { PhysicalResourceId: id };
};
