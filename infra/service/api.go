package service

import (
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/httpapi"
)

// StageName is the API stage, and so the first segment of every URL path.
const StageName = "v1"

// APIProps configures NewAPI.
type APIProps struct {
	// Description describes the API in the console.
	Description string
	// ThrottleRate and ThrottleBurst limit the stage (requests/s); 50 and
	// 100 when 0.
	ThrottleRate, ThrottleBurst float64
	// RemovalPolicy applies to the access log group; RETAIN when empty.
	RemovalPolicy awscdk.RemovalPolicy
}

// NewAPI makes a regional REST API for services to share: stage v1,
// throttled, with JSON access logs, X-Ray, IAM (SigV4) authorization by
// default on every method, and API Gateway's own rejections answering with
// the {"error", "message"} shape of the commands. It also sets API
// Gateway's account-level CloudWatch Logs role for the region, which
// access logging needs: make one API per account and region, and share it.
func NewAPI(scope constructs.Construct, id string, props *APIProps) awsapigateway.RestApi {
	p := APIProps{Description: "stepfold API", ThrottleRate: 50, ThrottleBurst: 100, RemovalPolicy: awscdk.RemovalPolicy_RETAIN}
	if props != nil {
		p = mergeAPIProps(p, *props)
	}
	access := awslogs.NewLogGroup(scope, str(id+"AccessLogs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: p.RemovalPolicy,
	})
	t := jsii.Bool(true)
	rest := awsapigateway.NewRestApi(scope, str(id), &awsapigateway.RestApiProps{
		Description:          str(p.Description),
		EndpointTypes:        &[]awsapigateway.EndpointType{awsapigateway.EndpointType_REGIONAL},
		DefaultMethodOptions: &awsapigateway.MethodOptions{AuthorizationType: awsapigateway.AuthorizationType_IAM},
		CloudWatchRole:       t,
		DeployOptions: &awsapigateway.StageOptions{
			StageName:            str(StageName),
			ThrottlingRateLimit:  num(p.ThrottleRate),
			ThrottlingBurstLimit: num(p.ThrottleBurst),
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
	// The app's own output replaces the construct's Endpoint output.
	rest.Node().TryRemoveChild(str("Endpoint"))
	addErrorResponses(rest)
	suppress(rest.Node().FindChild(str("CloudWatchRole")), "AwsSolutions-IAM4", reasonCloudWatchRole,
		"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")
	return rest
}

func mergeAPIProps(p, with APIProps) APIProps {
	if with.Description != "" {
		p.Description = with.Description
	}
	if with.ThrottleRate != 0 {
		p.ThrottleRate = with.ThrottleRate
	}
	if with.ThrottleBurst != 0 {
		p.ThrottleBurst = with.ThrottleBurst
	}
	if with.RemovalPolicy != "" {
		p.RemovalPolicy = with.RemovalPolicy
	}
	return p
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

// API is the domain's part of a REST API.
type API struct {
	RestAPI awsapigateway.IRestApi
	// Collection is /<collection>, Stream /<collection>/{id}.
	Collection, Stream awsapigateway.Resource
	// StartExecutionRole is the role API Gateway assumes to start the
	// domain's state machine, and nothing else.
	StartExecutionRole awsiam.Role
	// CommandBody is the model of the command routes' bodies.
	CommandBody awsapigateway.Model
}

// routes carries what the route helpers share.
type routes struct {
	API
	info      events.Info
	validator awsapigateway.RequestValidator
	sm        awsstepfunctions.StateMachine
}

// newRoutes adds the domain's routes to the API: each command route starts
// the Express state machine synchronously; the read routes proxy to the
// read function. Every method needs IAM (SigV4) authorization.
func newRoutes(scope constructs.Construct, p Props, sm awsstepfunctions.StateMachine, read awslambda.IFunction) API {
	rest := p.API
	if rest == nil {
		rest = NewAPI(scope, "Api", &APIProps{Description: "stepfold " + p.Info.Name + " API", RemovalPolicy: p.RemovalPolicy})
	}
	a := routes{API: API{RestAPI: rest}, info: p.Info, sm: sm}
	a.validator = awsapigateway.NewRequestValidator(scope, str("Validator"), &awsapigateway.RequestValidatorProps{
		RestApi: rest, ValidateRequestBody: jsii.Bool(true), ValidateRequestParameters: jsii.Bool(true),
	})
	a.CommandBody = awsapigateway.NewModel(scope, str("CommandBody"), &awsapigateway.ModelProps{
		RestApi:     rest,
		ContentType: str("application/json"),
		Schema:      commandBodySchema(p),
	})
	a.StartExecutionRole = awsiam.NewRole(scope, str("ApiStartExecutionRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(str("apigateway.amazonaws.com"), nil),
		Description: str("API Gateway starts stepfold " + p.Info.Name + " executions"),
	})
	sm.GrantStartSyncExecution(a.StartExecutionRole)

	a.Collection = rest.Root().AddResource(str(httpapi.Collection(p.Info)), nil)
	a.Stream = a.Collection.AddResource(str("{id}"), nil)
	for _, r := range httpapi.CommandRoutes(p.Info) {
		res := a.Collection
		if r.Path != "" {
			res = a.Stream.AddResource(str(r.Path), nil)
		}
		a.addCommand(res, r)
	}
	reads := awsapigateway.NewLambdaIntegration(read, nil)
	readOpts := &awsapigateway.MethodOptions{
		RequestParameters: &map[string]*bool{"method.request.path.id": jsii.Bool(true)},
		RequestValidator:  a.validator,
	}
	a.Stream.AddMethod(str("GET"), reads, readOpts)
	a.Stream.AddResource(str("events"), nil).AddMethod(str("GET"), reads, readOpts)
	return a.API
}

// addCommand adds POST to res: an AWS integration that calls
// states:StartSyncExecution with the command the request template builds.
func (a routes) addCommand(res awsapigateway.IResource, r events.Route) {
	integration := awsapigateway.NewAwsIntegration(&awsapigateway.AwsIntegrationProps{
		Service:               str("states"),
		Action:                str("StartSyncExecution"),
		IntegrationHttpMethod: str("POST"),
		Options: &awsapigateway.IntegrationOptions{
			CredentialsRole:     a.StartExecutionRole,
			PassthroughBehavior: awsapigateway.PassthroughBehavior_NEVER,
			RequestTemplates:    jsonTemplate(requestTemplate(a.info, r, *a.sm.StateMachineArn())),
			IntegrationResponses: &[]*awsapigateway.IntegrationResponse{
				{StatusCode: str(strconv.Itoa(successStatus(r))), ResponseTemplates: jsonTemplate(responseTemplate(a.info, r))},
				{StatusCode: str("500"), SelectionPattern: str(`4\d{2}`), ResponseTemplates: jsonTemplate(clientErrorTemplate)},
				{StatusCode: str("500"), SelectionPattern: str(`5\d{2}`), ResponseTemplates: jsonTemplate(serverErrorTemplate)},
			},
		},
	})
	params := map[string]*bool{"method.request.header." + httpapi.IdempotencyHeader: jsii.Bool(false)}
	if r.Path != "" {
		params["method.request.path.id"] = jsii.Bool(true)
	}
	opts := &awsapigateway.MethodOptions{
		RequestParameters: &params,
		RequestValidator:  a.validator,
		MethodResponses:   methodResponses(a.info, successStatus(r)),
	}
	if !r.EmptyBody {
		opts.RequestModels = &map[string]awsapigateway.IModel{"application/json": a.CommandBody}
	}
	res.AddMethod(str("POST"), integration, opts)
}

func jsonTemplate(t string) *map[string]*string {
	return &map[string]*string{"application/json": str(t)}
}

// methodResponses declares every status a command route can answer.
func methodResponses(info events.Info, success int) *[]*awsapigateway.MethodResponse {
	out := []*awsapigateway.MethodResponse{{StatusCode: str(strconv.Itoa(success))}}
	for _, s := range statusTable(info) {
		out = append(out, &awsapigateway.MethodResponse{StatusCode: str(strconv.Itoa(s.Status))})
	}
	out = append(out, &awsapigateway.MethodResponse{StatusCode: str("500")})
	return &out
}

// commandBodySchema accepts a JSON object whose known members have their
// types: the stream key and "type" are strings, a field has its
// Props.FieldTypes type or any; the domain checks the rest.
func commandBodySchema(p Props) *awsapigateway.JsonSchema {
	props := map[string]*awsapigateway.JsonSchema{}
	for _, r := range httpapi.CommandRoutes(p.Info) {
		for _, f := range httpapi.BodyFields(p.Info, r) {
			props[f] = &awsapigateway.JsonSchema{}
			if t, ok := p.FieldTypes[f]; ok {
				props[f].Type = t
			}
		}
	}
	for _, f := range []string{p.Info.Routes.CommandStreamKey, "type"} {
		if props[f] != nil {
			props[f].Type = awsapigateway.JsonSchemaType_STRING
		}
	}
	return &awsapigateway.JsonSchema{
		Schema:     awsapigateway.JsonSchemaVersion_DRAFT4,
		Type:       awsapigateway.JsonSchemaType_OBJECT,
		Properties: &props,
	}
}
