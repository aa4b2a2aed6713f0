// Package service is the AWS CDK construct that deploys one stepfold domain
// as a serverless service. New builds it from the domain's events.Info, the
// generic pipeline definition (statemachines.Pipeline) and the domain's
// prebuilt Lambda bootstrap:
//
//   - two DynamoDB tables, the event log and the read model;
//   - one Lambda function per task of the task table (tasks.Steps), and one
//     per subscriber the domain brings, each with its own log group, X-Ray,
//     and a role that holds only what the task's Access names;
//   - the Express state machine, its log group and its dead-letter queue;
//   - what the domain's rules file routes: a rule to a subscriber function
//     (with a dead-letter queue and retries), or an archive of the bus;
//   - the domain's routes on an API Gateway REST API: each command route
//     starts the state machine synchronously through a mapping template,
//     and the reads proxy to the read function; every method needs IAM.
//
// An event bus and a REST API may be shared between services (Props.Bus,
// Props.API, and NewAPI to make one); without them a service makes its own.
// A team deploys its own domain by calling New from its own CDK app, and
// checks the result with ApplyNag, as stepfold's app does.
package service
