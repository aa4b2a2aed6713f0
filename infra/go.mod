module github.com/stepfold/stepfold/infra

go 1.26
