// Package pipeline holds the end-to-end tests of the account command
// pipeline: statemachines/account.asl.json run by the statemachines/asl
// interpreter, with the tasks registered in-process under their local
// Lambda ARNs, the bbolt store, and the dead-letter queue behind the
// interpreter's SQS interface. It has no code of its own.
package pipeline
