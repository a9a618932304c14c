
const { LambdaClient, InvokeCommand } = require('@aws-sdk/client-lambda');
const client = new LambdaClient({});
exports.handler = async (event) => {
  const p = event.ResourceProperties;
  const physicalResourceId = event.PhysicalResourceId || 'lamphp-install-' + p.SiteId;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: physicalResourceId };
  const lamphp = { command: 'install', mode: event.RequestType === 'Create' ? 'install' : 'update',
    siteUrl: p.SiteUrl, distributionId: p.DistributionId };
  if (p.AssetBucket) { lamphp.assetBucket = p.AssetBucket; lamphp.assetKey = p.AssetKey; }
  const res = await client.send(new InvokeCommand({ FunctionName: p.FunctionName, Payload: JSON.stringify({ lamphp }) }));
  const body = res.Payload ? Buffer.from(res.Payload).toString('utf8') : '';
  console.log(JSON.stringify({ level: 'info', msg: 'install finished', mode: lamphp.mode, functionError: res.FunctionError, body: body.slice(0, 4000) }));
  if (res.FunctionError) throw new Error('lamphp install failed (' + res.FunctionError + '): ' + body.slice(0, 1000));
  return { PhysicalResourceId: physicalResourceId };
};
