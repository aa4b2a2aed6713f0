package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestLinkedAWSPackages lists what the bootstrap links of the AWS SDK,
// built with the tags of `make lambdas`: the clients of the two services
// the tasks call, and of the credential providers only the static one,
// which the function's AWS configuration fills from the environment. The
// shared-config loader and the SSO, STS, login, process, container and
// instance-metadata providers, which a function never reaches, took
// 1.8 MB of the binary and a fifth of its package-init time.
func TestLinkedAWSPackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-tags", "lambda.norpc,nethttpomithttp2", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const sdk = "github.com/aws/aws-sdk-go-v2/"
	var services []string
	for _, pkg := range strings.Fields(string(out)) {
		rest, ok := strings.CutPrefix(pkg, sdk)
		if !ok {
			continue
		}
		if service, ok := strings.CutPrefix(rest, "service/"); ok {
			if name, _, _ := strings.Cut(service, "/"); name != "internal" && !slices.Contains(services, name) {
				services = append(services, name)
			}
		}
		if strings.HasPrefix(rest, "config") || strings.HasPrefix(rest, "credentials/") || strings.HasPrefix(rest, "feature/ec2/imds") {
			t.Errorf("the bootstrap links %s", pkg)
		}
	}
	slices.Sort(services)
	if want := []string{"dynamodb", "eventbridge"}; !slices.Equal(services, want) {
		t.Errorf("the bootstrap links the clients of %v, want %v", services, want)
	}
}
