// Package statemachines holds the Amazon States Language definitions that
// stepfold runs: on AWS Step Functions through the CDK stack in infra/, and
// locally on the interpreter in statemachines/asl. Both read the same files.
package statemachines

import "embed"

// Files holds every definition, as "<name>.asl.json".
//
//go:embed *.asl.json
var Files embed.FS

// Pipeline is the file name of the command pipeline, the one definition
// every domain runs: Validate → Persist → Publish → Fold, with the
// dead-letter queue. Its DefinitionSubstitutions are the task table's
// (tasks.Steps) and the queue's URL.
const Pipeline = "pipeline.asl.json"
