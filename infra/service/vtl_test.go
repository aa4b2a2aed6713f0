package service

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stepfold/stepfold/domains/account"
	"github.com/stepfold/stepfold/domains/inventory"
	"github.com/stepfold/stepfold/events"
	"github.com/stepfold/stepfold/httpapi"
	"github.com/stepfold/stepfold/infra/internal/cfntest"
)

var (
	bank      = account.Domain{}.Info()
	warehouse = inventory.Domain{}.Info()
)

// route returns the domain's command route that starts command ("" is
// the generic route).
func route(t *testing.T, info events.Info, command string) events.Route {
	t.Helper()
	for _, r := range httpapi.CommandRoutes(info) {
		if r.Command == command {
			return r
		}
	}
	t.Fatalf("%s has no route for %q", info.Name, command)
	return events.Route{}
}

// TestBankTemplatesAreTheSingleDomainOnes compares the bank's templates,
// byte for byte, with testdata/account: the templates that the stack
// generated when the bank was its only domain, from its own route table.
func TestBankTemplatesAreTheSingleDomainOnes(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "account", "*.vtl"))
	if err != nil {
		t.Fatal(err)
	}
	routes := httpapi.CommandRoutes(bank)
	if len(files) != 2*len(routes) || len(routes) != 5 {
		t.Fatalf("%d golden templates for %d routes; want a request and a response template for each of 5", len(files), len(routes))
	}
	for _, r := range routes {
		name := strings.ToLower(r.Command)
		for kind, got := range map[string]string{
			"request":  requestTemplate(bank, r, "${StateMachineArn}"),
			"response": responseTemplate(bank, r),
		} {
			want, err := os.ReadFile(filepath.Join("testdata", "account", name+"."+kind+".vtl"))
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s %s template differs from the single-domain one:\n got %s\nwant %s", r.Command, kind, got, want)
			}
		}
	}
}

// TestErrorStatusesMatchArchitecture reads the error table from
// docs/architecture.md and compares it, domain by domain, with the status
// table each domain's templates map: the rows from the core apply to every
// domain (NotFound only to one that names no code of its own), the rest to
// the domain their "from" column names.
func TestErrorStatusesMatchArchitecture(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := errorRows(t, string(doc))
	for from, info := range map[string]events.Info{"the bank": bank, "the inventory": warehouse} {
		want := map[string]int{}
		for _, r := range rows {
			if r.from == from || strings.HasPrefix(r.from, "the core") && (r.code != string(events.CodeNotFound) || info.NotFound == "") {
				want[r.code] = r.status
			}
		}
		got := statuses(info)
		for code, status := range want {
			if _, listed := got[code]; status == 500 && listed {
				t.Errorf("%s: %s is listed; 500 codes belong to the default branch", info.Name, code)
			} else if status != 500 && got[code] != status {
				t.Errorf("%s: %s maps to %d, the architecture says %d", info.Name, code, got[code], status)
			}
		}
		for code := range got {
			if _, ok := want[code]; !ok {
				t.Errorf("%s: %s is not in the architecture table for %s", info.Name, code, from)
			}
		}
	}
}

// errorRow is one code of the architecture's error table.
type errorRow struct {
	code, from string
	status     int
}

// errorRows reads the error table: each row's codes, status and the part
// of its "from" column before any colon or comma.
func errorRows(t *testing.T, doc string) []errorRow {
	t.Helper()
	re := regexp.MustCompile(`(?m)^\| ([A-Za-z.*, ]+) \| (\d{3}) \| ([^|:,]+)`)
	var out []errorRow
	for _, m := range re.FindAllStringSubmatch(doc, -1) {
		status, _ := strconv.Atoi(m[2])
		for _, code := range strings.Split(m[1], ",") {
			out = append(out, errorRow{code: strings.TrimSpace(code), status: status, from: strings.TrimSpace(m[3])})
		}
	}
	if len(out) < 20 {
		t.Fatalf("found %d codes in the architecture table; has its format changed?", len(out))
	}
	return out
}

// statuses flattens the status table of info.
func statuses(info events.Info) map[string]int {
	got := map[string]int{}
	for _, s := range statusTable(info) {
		for _, c := range s.Codes {
			got[string(c)] = s.Status
		}
	}
	return got
}

// TestInventoryStatusTable checks the table of a domain whose rejections
// the architecture document does not list.
func TestInventoryStatusTable(t *testing.T) {
	want := map[string]int{
		"InvalidCommand": 400, "WarehouseNotFound": 404, "ReservationNotFound": 404,
		"ReservationExists": 409, "ReservationNotExpired": 409, "VersionConflict": 409,
		"InsufficientStock": 422, "IdempotencyKeyReused": 422, "Throttled": 503,
	}
	if got := statuses(warehouse); !cfntest.JSONEqual(got, want) {
		t.Errorf("status table %v, want %v", got, want)
	}
	// A domain that names no not-found code of its own has the core's.
	info := warehouse
	info.NotFound = ""
	if got := statuses(info); got["NotFound"] != 404 || got["WarehouseNotFound"] != 0 {
		t.Errorf("without a not-found code of its own: %v, want NotFound 404", got)
	}
}

func TestResponseTemplateMapsEveryCode(t *testing.T) {
	for _, info := range []events.Info{bank, warehouse} {
		for _, r := range httpapi.CommandRoutes(info) {
			tmpl := responseTemplate(info, r)
			if !strings.Contains(tmpl, "#set($context.responseOverride.status = "+strconv.Itoa(successStatus(r))+")") {
				t.Errorf("%s %s: success status %d not set", info.Name, r.Command, successStatus(r))
			}
			for code, status := range statuses(info) {
				if !regexp.MustCompile(`\$error == "` + code + `"[^\n]*#set\(\$status = ` + strconv.Itoa(status) + `\)`).MatchString(tmpl) {
					t.Errorf("%s %s: %s does not set status %d", info.Name, r.Command, code, status)
				}
			}
		}
	}
}

// TestRequestTemplateShape checks the parts of the request template that
// decide what the command is; the final line must be the StartSyncExecution
// body once the VTL expression in it is evaluated.
func TestRequestTemplateShape(t *testing.T) {
	for _, info := range []events.Info{bank, warehouse} {
		key := info.Routes.CommandStreamKey
		for _, r := range httpapi.CommandRoutes(info) {
			what := info.Name + " " + r.Path
			tmpl := requestTemplate(info, r, "arn:sm")
			lines := strings.Split(strings.TrimSpace(tmpl), "\n")
			last := strings.Replace(lines[len(lines)-1], jsonEscape("$cmd"), "CMD", 1)
			body, ok := cfntest.ParseJSON(t, last).(map[string]any)
			if !ok || !cfntest.JSONEqual(body, map[string]any{"stateMachineArn": "arn:sm", "input": "CMD"}) {
				t.Errorf("%s: last line %q is not the StartSyncExecution body", what, lines[len(lines)-1])
			}
			for _, want := range []string{
				"header.get('" + httpapi.IdempotencyHeader + "')", "#set($key = $context.requestId)", `#set($cmd = "$cmd}")`,
			} {
				if !strings.Contains(tmpl, want) {
					t.Errorf("%s: template lacks %s", what, want)
				}
			}
			typeFromRoute := strings.Contains(tmpl, `${q}type${q}:${q}`+r.Command+`${q}`)
			typeFromBody := strings.Contains(tmpl, `$input.json('$.type')`)
			if typeFromRoute == (r.Command == "") || typeFromBody != (r.Command == "") {
				t.Errorf("%s: type from the route %v, from the body %v", what, typeFromRoute, typeFromBody)
			}
			idFromPath := strings.Contains(tmpl, "path.get('id')")
			idFromBody := strings.Contains(tmpl, "$."+key)
			if idFromPath == (r.Path == "") || idFromBody != (r.Path == "") {
				t.Errorf("%s: %s from path %v, from body %v", what, key, idFromPath, idFromBody)
			}
		}
	}
}
