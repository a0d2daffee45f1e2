import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';
import { ACCESS_LOG_FIELDS } from '../topology/api';
import { resourceName } from '../topology/names';
import type { JwtAuthorizerConfig } from './config';
import type { DofsFunction } from './function';

export interface ApiOptions {
  readonly environment: string;
  readonly handler: DofsFunction;
  readonly logRetentionDays: number;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly authorizer?: JwtAuthorizerConfig | undefined;
}

/** The routes api_handler serves; `$default` sends every other request to it too, for JSON 404/405s. */
export const API_ROUTES = ['POST /orders', 'GET /orders/{order_id}', '$default'] as const;

/** API Gateway HTTP API in front of api_handler (payload format 2.0), with access logs and throttling. */
export class OrderApi extends Construct {
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;

  constructor(scope: Construct, id: string, options: ApiOptions) {
    super(scope, id);
    const name = resourceName(options.environment, 'api');
    this.api = new Apigatewayv2Api(this, 'api', { name, protocolType: 'HTTP' });
    const integration = new Apigatewayv2Integration(this, 'integration', {
      apiId: this.api.id,
      integrationType: 'AWS_PROXY',
      integrationUri: options.handler.fn.arn,
      payloadFormatVersion: '2.0',
    });
    const authorizer = options.authorizer
      ? new Apigatewayv2Authorizer(this, 'authorizer', {
          apiId: this.api.id,
          name: `${name}-jwt`,
          authorizerType: 'JWT',
          identitySources: ['$request.header.Authorization'],
          jwtConfiguration: { issuer: options.authorizer.issuer, audience: [...options.authorizer.audience] },
        })
      : undefined;
    for (const routeKey of API_ROUTES) {
      new Apigatewayv2Route(this, `route_${routeKey.replace(/[^A-Za-z]+/g, '_')}`, {
        apiId: this.api.id,
        routeKey,
        target: `integrations/${integration.id}`,
        ...(authorizer ? { authorizationType: 'JWT', authorizerId: authorizer.id } : { authorizationType: 'NONE' }),
      });
    }
    // API Gateway delivers HTTP API access logs through CloudWatch Logs log delivery, which adds each log
    // group to the account's log delivery resource policy (5,120 characters, shared by every service) unless
    // its name starts with /aws/vendedlogs/, which one wildcard entry covers:
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html,
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html
    const accessLogs = new CloudwatchLogGroup(this, 'access_logs', {
      name: `/aws/vendedlogs/apigateway/${name}`,
      retentionInDays: options.logRetentionDays,
    });
    this.stage = new Apigatewayv2Stage(this, 'stage', {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      accessLogSettings: { destinationArn: accessLogs.arn, format: JSON.stringify(ACCESS_LOG_FIELDS) },
      defaultRouteSettings: {
        throttlingRateLimit: options.throttle.rateLimit,
        throttlingBurstLimit: options.throttle.burstLimit,
        detailedMetricsEnabled: true,
      },
    });
    new LambdaPermission(this, 'invoke', {
      statementId: 'AllowInvokeFromOrderApi',
      action: 'lambda:InvokeFunction',
      functionName: options.handler.fn.functionName,
      principal: 'apigateway.amazonaws.com',
      // Only this API may invoke the handler, on any of its stages and routes.
      sourceArn: `${this.api.executionArn}/*/*`,
    });
  }

  get url(): string {
    return this.stage.invokeUrl;
  }
}
