module github.com/stepfold/stepfold/bench/peers

go 1.26

replace (
	github.com/stepfold/stepfold => ../..
	quamina.net/go/quamina => github.com/timbray/quamina v1.5.1
)

require (
	github.com/hallgren/eventsourcing v0.9.1
	github.com/hallgren/eventsourcing/core v0.5.2
	github.com/stepfold/stepfold v0.0.0
	go.etcd.io/bbolt v1.5.0
)

require (
	github.com/aws/aws-lambda-go v1.55.1 // indirect
	github.com/aws/aws-sdk-go-v2 v1.47.7 // indirect
	github.com/aws/aws-sdk-go-v2/service/sfn v1.41.2 // indirect
	github.com/aws/smithy-go v1.28.8 // indirect
	github.com/go-json-experiment/json v1.27.2 // indirect
	golang.org/x/sys v0.45.0 // indirect
)
