// Package statemachines holds the Amazon States Language definitions that
// stepfold runs: on AWS Step Functions through the CDK stack in infra/, and
// locally on the interpreter in statemachines/asl. Both read the same files.
package statemachines

import "embed"

// Files holds every definition, as "<name>.asl.json".
//
//go:embed *.asl.json
var Files embed.FS

// Account is the file name of the account command pipeline.
const Account = "account.asl.json"
