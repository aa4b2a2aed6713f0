package stack

import (
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// StageName is the API stage, and so the first segment of every URL path.
const StageName = "v1"

// api carries what the route helpers share.
type api struct {
	rest      awsapigateway.RestApi
	validator awsapigateway.RequestValidator
	body      awsapigateway.Model
	role      awsiam.Role // assumed by API Gateway to start executions
	sm        awsstepfunctions.StateMachine
}

// newAPI makes the REST API: the write routes start the Express state
// machine synchronously; the read routes proxy to the read function. Every
// method needs IAM (SigV4) authorization.
func newAPI(scope constructs.Construct, cfg Config, sm awsstepfunctions.StateMachine, read awslambda.IFunction) awsapigateway.RestApi {
	a := api{rest: newRestAPI(scope, cfg), sm: sm}
	a.validator = a.rest.AddRequestValidator(str("Validator"), &awsapigateway.RequestValidatorOptions{
		ValidateRequestBody: jsii.Bool(true), ValidateRequestParameters: jsii.Bool(true),
	})
	a.body = a.rest.AddModel(str("CommandBody"), &awsapigateway.ModelOptions{
		ContentType: str("application/json"),
		Schema:      commandBodySchema(),
	})
	a.role = awsiam.NewRole(scope, str("ApiStartExecutionRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(str("apigateway.amazonaws.com"), nil),
		Description: str("API Gateway starts stepfold account executions"),
	})
	sm.GrantStartSyncExecution(a.role)
	addErrorResponses(a.rest)

	accounts := a.rest.Root().AddResource(str("accounts"), nil)
	account := accounts.AddResource(str("{id}"), nil)
	for _, r := range WriteRoutes {
		res := accounts
		if r.Path != "" {
			res = account.AddResource(str(r.Path), nil)
		}
		a.addWrite(res, r)
	}
	reads := awsapigateway.NewLambdaIntegration(read, nil)
	readOpts := &awsapigateway.MethodOptions{
		RequestParameters: &map[string]*bool{"method.request.path.id": jsii.Bool(true)},
		RequestValidator:  a.validator,
	}
	account.AddMethod(str("GET"), reads, readOpts)
	account.AddResource(str("events"), nil).AddMethod(str("GET"), reads, readOpts)
	return a.rest
}

func newRestAPI(scope constructs.Construct, cfg Config) awsapigateway.RestApi {
	access := awslogs.NewLogGroup(scope, str("ApiAccessLogs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: cfg.RemovalPolicy,
	})
	t := jsii.Bool(true)
	rest := awsapigateway.NewRestApi(scope, str("Api"), &awsapigateway.RestApiProps{
		Description:          str("stepfold accounts API"),
		EndpointTypes:        &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL},
		DefaultMethodOptions: &awsapigateway.MethodOptions{AuthorizationType: awsapigateway.AuthorizationType_IAM},
		// The account-level role that lets API Gateway write logs.
		CloudWatchRole: t,
		DeployOptions: &awsapigateway.StageOptions{
			StageName:            str(StageName),
			ThrottlingRateLimit:  num(cfg.ThrottleRate),
			ThrottlingBurstLimit: num(cfg.ThrottleBurst),
			AccessLogDestination: awsapigateway.NewLogGroupLogDestination(access),
			AccessLogFormat: awsapigateway.AccessLogFormat_JsonWithStandardFields(&awsapigateway.JsonWithStandardFieldProps{
				Caller: t, HttpMethod: t, Ip: t, Protocol: t, RequestTime: t,
				ResourcePath: t, ResponseLength: t, Status: t, User: t,
			}),
			LoggingLevel:   awsapigateway.MethodLoggingLevel_ERROR,
			MetricsEnabled: t,
			TracingEnabled: t,
		},
	})
	// The stack's ApiUrl output replaces the construct's own Endpoint output.
	rest.Node().TryRemoveChild(str("Endpoint"))
	return rest
}

// addWrite adds POST to res: an AWS integration that calls
// states:StartSyncExecution with the command the request template builds.
func (a api) addWrite(res awsapigateway.IResource, r WriteRoute) {
	integration := awsapigateway.NewAwsIntegration(&awsapigateway.AwsIntegrationProps{
		Service:               str("states"),
		Action:                str("StartSyncExecution"),
		IntegrationHttpMethod: str("POST"),
		Options: &awsapigateway.IntegrationOptions{
			CredentialsRole:     a.role,
			PassthroughBehavior: awsapigateway.PassthroughBehavior_NEVER,
			RequestTemplates:    jsonTemplate(requestTemplate(r, *a.sm.StateMachineArn())),
			IntegrationResponses: &[]*awsapigateway.IntegrationResponse{
				{StatusCode: str(strconv.Itoa(r.Status)), ResponseTemplates: jsonTemplate(responseTemplate(r))},
				{StatusCode: str("500"), SelectionPattern: str(`4\d{2}`), ResponseTemplates: jsonTemplate(clientErrorTemplate)},
				{StatusCode: str("500"), SelectionPattern: str(`5\d{2}`), ResponseTemplates: jsonTemplate(serverErrorTemplate)},
			},
		},
	})
	params := map[string]*bool{"method.request.header." + IdempotencyHeader: jsii.Bool(false)}
	if r.Path != "" {
		params["method.request.path.id"] = jsii.Bool(true)
	}
	opts := &awsapigateway.MethodOptions{
		RequestParameters: &params,
		RequestValidator:  a.validator,
		MethodResponses:   methodResponses(r.Status),
	}
	if !r.EmptyBody {
		opts.RequestModels = &map[string]awsapigateway.IModel{"application/json": a.body}
	}
	res.AddMethod(str("POST"), integration, opts)
}

func jsonTemplate(t string) *map[string]*string {
	return &map[string]*string{"application/json": str(t)}
}

// methodResponses declares every status a write route can answer.
func methodResponses(success int) *[]*awsapigateway.MethodResponse {
	out := []*awsapigateway.MethodResponse{{StatusCode: str(strconv.Itoa(success))}}
	for _, s := range errorStatuses {
		out = append(out, &awsapigateway.MethodResponse{StatusCode: str(strconv.Itoa(s.Status))})
	}
	out = append(out, &awsapigateway.MethodResponse{StatusCode: str("500")})
	return &out
}

// commandBodySchema accepts a JSON object whose known fields have the
// command's types; the domain checks the rest.
func commandBodySchema() *awsapigateway.JsonSchema {
	s := func() *awsapigateway.JsonSchema {
		return &awsapigateway.JsonSchema{Type: awsapigateway.JsonSchemaType_STRING}
	}
	return &awsapigateway.JsonSchema{
		Schema: awsapigateway.JsonSchemaVersion_DRAFT4,
		Type:   awsapigateway.JsonSchemaType_OBJECT,
		Properties: &map[string]*awsapigateway.JsonSchema{
			"accountId": s(), "currency": s(), "occurredAt": s(), "reference": s(), "eventId": s(),
			"amount": {Type: awsapigateway.JsonSchemaType_INTEGER},
		},
	}
}

// addErrorResponses makes API Gateway's own rejections answer with the
// same {"error", "message"} shape as the commands.
func addErrorResponses(rest awsapigateway.RestApi) {
	// messageString is already a quoted JSON string.
	invalid := `{"error": "InvalidCommand", "message": $context.error.messageString}`
	rest.AddGatewayResponse(str("BadRequestBody"), &awsapigateway.GatewayResponseOptions{
		Type: awsapigateway.ResponseType_BAD_REQUEST_BODY(), StatusCode: str("400"), Templates: jsonTemplate(invalid),
	})
	rest.AddGatewayResponse(str("BadRequestParameters"), &awsapigateway.GatewayResponseOptions{
		Type: awsapigateway.ResponseType_BAD_REQUEST_PARAMETERS(), StatusCode: str("400"), Templates: jsonTemplate(invalid),
	})
	rest.AddGatewayResponse(str("Default5xx"), &awsapigateway.GatewayResponseOptions{
		Type:      awsapigateway.ResponseType_DEFAULT_5XX(),
		Templates: jsonTemplate(`{"error": "Internal", "message": $context.error.messageString}`),
	})
}
