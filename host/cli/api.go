package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/iostreams"
	"github.com/openintegrator/integrator/shared"
)

// APIOptions are the inputs of `api`.
type APIOptions struct {
	F       *Factory
	Name    string
	Path    string
	Method  string
	Fields  []string
	Form    bool
	Headers []string
	Input   string
	Include bool
	Timeout time.Duration
}

func newAPICmd(f *Factory) *cobra.Command {
	opts := &APIOptions{F: f}
	cmd := &cobra.Command{
		Use:   "api NAME PATH",
		Short: "Send one signed API request through a connection",
		Long: `Send one API request through a connection's plugin, which signs it, and
write the response body to stdout.

PATH is relative to the connection's API (a path without a version gets the
connection's API version in front) or an absolute URL to the same host.
-F KEY=VALUE parameters go in the query string, also for POST and PUT (the X
Ads API convention); --form sends them as a form body instead. --input sends
a file (or - for stdin) as a JSON body. The method is GET unless -X says
otherwise, also when -F is given.

On a terminal, a JSON body (up to 32 MiB) is indented; otherwise the body is
written exactly as received, so pipes and files get the API's own bytes.

The exit status is 0 for HTTP 2xx and 3xx, and 1 for 4xx, 5xx and requests
that could not be sent; the API's error goes to stderr.`,
		Example: `  integrator api prod accounts
  integrator api prod accounts/18ce54d4x5t/campaigns -F count=5 -F with_deleted=true
  integrator api prod -X POST accounts/18ce54d4x5t/campaigns -F name=Spring -F funding_instrument_id=lygyi -F daily_budget_amount_local_micro=5000000
  integrator api prod -X POST batch/accounts/18ce54d4x5t/campaigns --input ops.json`,
		Args: exactArgs("NAME", "PATH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name, opts.Path = args[0], args[1]
			return apiRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Method, "method", "X", "GET", "the HTTP `METHOD`")
	cmd.Flags().StringArrayVarP(&opts.Fields, "field", "F", nil, "a parameter `KEY=VALUE` (repeatable; repeated keys are kept)")
	cmd.Flags().BoolVar(&opts.Form, "form", false, "send the -F parameters as a form body instead of the query string")
	cmd.Flags().StringArrayVarP(&opts.Headers, "header", "H", nil, "a request header `'Name: value'` (repeatable)")
	cmd.Flags().StringVar(&opts.Input, "input", "", "send `FILE` (- for stdin) as a JSON request body")
	cmd.Flags().BoolVarP(&opts.Include, "include", "i", false, "print the response status and headers before the body")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 0, "give up after `DURATION` including retries (default: the connector's)")
	return cmd
}

func buildRequest(opts *APIOptions, stdin io.Reader) (shared.Request, error) {
	req := shared.Request{Method: strings.ToUpper(opts.Method), URL: opts.Path, Timeout: opts.Timeout}
	params, err := parseParams(opts.Fields)
	if err != nil {
		return req, err
	}
	form := url.Values{}
	if opts.Form {
		for _, p := range params {
			form.Add(p.Key, p.Value)
		}
	} else {
		req.Query = params
	}
	for i, arg := range opts.Headers {
		h, err := parseHeader(i+1, arg)
		if err != nil {
			return req, err
		}
		req.Header = append(req.Header, h)
	}
	switch {
	case opts.Form && opts.Input != "":
		return req, errors.New("--form and --input both set a body: use one")
	case opts.Form:
		req.Body = []byte(form.Encode())
		req.Header = append(req.Header, shared.Header{Name: "Content-Type", Value: "application/x-www-form-urlencoded"})
	case opts.Input != "":
		var r io.Reader = stdin
		if opts.Input != "-" {
			f, err := os.Open(opts.Input)
			if err != nil {
				return req, fmt.Errorf("--input: %w", err)
			}
			defer f.Close()
			r = f
		}
		body, err := io.ReadAll(io.LimitReader(r, shared.MaxRequestBody+1))
		if err != nil {
			return req, fmt.Errorf("--input: %w", err)
		}
		if len(body) > shared.MaxRequestBody {
			return req, fmt.Errorf("--input: the body is larger than %d MiB; split it into several requests", shared.MaxRequestBody>>20)
		}
		req.Body = body
		if !hasHeader(req.Header, "Content-Type") {
			req.Header = append(req.Header, shared.Header{Name: "Content-Type", Value: "application/json"})
		}
	}
	return req, nil
}

func hasHeader(hs []shared.Header, name string) bool {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}

func apiRun(ctx context.Context, opts *APIOptions) error {
	f := opts.F
	req, err := buildRequest(opts, f.IO.In)
	if err != nil {
		return err
	}
	conn, err := f.App().OpenConnection(ctx, opts.Name)
	if err != nil {
		return err
	}
	defer conn.Close()
	resp, err := conn.DoRequest(ctx, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if opts.Include && resp.Status != 0 {
		fmt.Fprintf(f.IO.Out, "HTTP %d\n", resp.Status)
		for _, h := range resp.Header {
			fmt.Fprintf(f.IO.Out, "%s: %s\n", h.Name, h.Value)
		}
		fmt.Fprintln(f.IO.Out)
	}
	if resp.Status == 0 || resp.Status >= 400 {
		printDiagnostics(f.IO.ErrOut, resp.Diagnostics)
		if resp.Status == 0 {
			return exit1
		}
	} else {
		printDiagnostics(f.IO.ErrOut, resp.Diagnostics)
	}
	if err := writeBody(f.IO, resp); err != nil {
		return fmt.Errorf("reading the response: %w", err)
	}
	if resp.Status >= 400 {
		fmt.Fprintf(f.IO.ErrOut, "HTTP %d\n", resp.Status)
		return exit1
	}
	return nil
}

// prettyLimit is the largest JSON body api indents; a larger one is
// written as received rather than held in memory.
const prettyLimit = 32 << 20

// writeBody copies the response body to stdout: indented when stdout is a
// terminal and the body is JSON of at most prettyLimit, else byte for byte.
func writeBody(ios *iostreams.IOStreams, resp *shared.Response) error {
	if !ios.IsStdoutTTY() || !shared.IsJSON(resp.HeaderValue("Content-Type")) {
		_, err := io.Copy(ios.Out, resp.Body)
		return err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, prettyLimit+1))
	if err != nil {
		return err
	}
	var pretty bytes.Buffer
	if len(b) > prettyLimit || json.Indent(&pretty, b, "", "  ") != nil {
		if _, err := ios.Out.Write(b); err != nil {
			return err
		}
		_, err = io.Copy(ios.Out, resp.Body)
		return err
	}
	pretty.WriteByte('\n')
	_, err = pretty.WriteTo(ios.Out)
	return err
}
