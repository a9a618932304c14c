/**
 * Systems Manager Parameter Store: the template's AWS::SSM::Parameter resources and the API
 * (`ssm.<region>.amazonaws.com`: PutParameter, GetParameter(s), DeleteParameter) that functions
 * call — e.g. the install step storing the first admin password as a SecureString, which
 * CloudFormation cannot create. `{{resolve:ssm:name}}` references resolve here too.
 */
import { awsError, awsJsonHandler, serveEndpoint } from './endpoint.ts';
import type { ResourceModule } from './resource.ts';
import type { Twin } from './twin.ts';

export interface Parameter {
  Name: string;
  Type: string;
  Value: string;
  Version: number;
  LastModifiedDate: number;
}

export interface SsmService {
  parameters: Map<string, Parameter>;
  put(name: string, type: string, value: string): Parameter;
  close(): Promise<void>;
}

export function ssmService(twin: Twin): Promise<SsmService> {
  return twin.service('ssm', async () => {
    const parameters = new Map<string, Parameter>();
    const put = (name: string, type: string, value: string): Parameter => {
      const p = { Name: name, Type: type, Value: value, Version: (parameters.get(name)?.Version ?? 0) + 1, LastModifiedDate: twin.clock.now() / 1000 };
      parameters.set(name, p);
      return p;
    };
    const arn = (name: string) => `arn:aws:ssm:${twin.region}:${twin.account}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
    const get = (name: string) => {
      const p = parameters.get(name);
      if (!p) throw awsError('ParameterNotFound', `Parameter ${name} not found.`);
      return p;
    };
    twin.dynamicResolvers.set('ssm', async (ref) => get(ref.split(':')[0]!).Value);
    twin.dynamicResolvers.set('ssm-secure', async (ref) => get(ref.split(':')[0]!).Value);
    const endpoint = await serveEndpoint(twin, {
      name: 'ssm',
      service: 'ssm',
      hostnames: [`ssm.${twin.region}.amazonaws.com`],
      handler: awsJsonHandler({
        PutParameter: (i) => {
          if (parameters.has(i.Name) && !i.Overwrite) throw awsError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
          const p = put(i.Name, i.Type ?? parameters.get(i.Name)?.Type ?? 'String', i.Value);
          return { Version: p.Version, Tier: 'Standard' };
        },
        GetParameter: (i) => {
          const p = get(i.Name);
          return { Parameter: { ...p, Value: p.Type === 'SecureString' && !i.WithDecryption ? 'AQICAH…(encrypted)' : p.Value, ARN: arn(p.Name), DataType: 'text' } };
        },
        GetParameters: (i) => ({
          Parameters: (i.Names as string[]).filter((n) => parameters.has(n)).map((n) => ({ ...parameters.get(n)!, ARN: arn(n) })),
          InvalidParameters: (i.Names as string[]).filter((n) => !parameters.has(n)),
        }),
        DeleteParameter: (i) => {
          get(i.Name);
          parameters.delete(i.Name);
          return {};
        },
      }),
    });
    return { parameters, put, close: () => endpoint.close() };
  });
}

export const ssmParameters: ResourceModule = {
  types: ['AWS::SSM::Parameter'],
  async create({ twin, logicalId, properties: p }) {
    const ssm = await ssmService(twin);
    let name: string = p.Name ?? `CFN-${logicalId}-${twin.randomId(12)}`;
    ssm.put(name, p.Type ?? 'String', String(p.Value));
    return {
      ref: name,
      attributes: { Type: p.Type ?? 'String', Value: String(p.Value) },
      async update(next) {
        if ((next.Name ?? name) !== name) return false;
        ssm.put(name, next.Type ?? 'String', String(next.Value));
        return true;
      },
      delete: async () => void ssm.parameters.delete(name),
    };
  },
};
