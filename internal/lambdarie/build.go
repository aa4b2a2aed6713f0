//go:build linux

package lambdarie

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Build builds the Lambda main package pkg (for example "./cmd/lambda")
// with the repository's own recipe, `make lambdas`, for the host's
// architecture, and returns the path of the bootstrap, in a directory of
// its own that tb removes. It fails tb when the build fails.
func Build(tb testing.TB, pkg string) string {
	tb.Helper()
	return BuildArch(tb, pkg, runtime.GOARCH)
}

// BuildArch is Build for the architecture goarch ("arm64" is what Lambda
// runs), for measuring the binary that is deployed.
func BuildArch(tb testing.TB, pkg, goarch string) string {
	tb.Helper()
	root, err := moduleRoot()
	if err != nil {
		tb.Fatal(err)
	}
	out := filepath.Join(tb.TempDir(), "bootstrap")
	cmd := exec.Command("make", "-s", "-C", root, "lambdas",
		"LAMBDA_ARCH="+goarch, "LAMBDA_OUT="+out, "LAMBDA_PKG="+pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("make lambdas for %s on %s: %v\n%s", pkg, goarch, err, b)
	}
	return out
}
