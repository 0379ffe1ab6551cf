package cli

import (
	"strings"
	"testing"
)

// --max-page-size takes a size with a unit, defaults to 64MiB, and
// reaches the export; a value that is no size is refused naming the flag.
func TestExportMaxPageSizeFlag(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want int64
	}{
		{nil, 64 << 20},
		{[]string{"--max-page-size", "128MiB"}, 128 << 20},
		{[]string{"--max-page-size", "200MB"}, 200e6},
		{[]string{"--max-page-size=1048576"}, 1 << 20},
	} {
		cmd := newExportCmd(&Factory{})
		if err := cmd.ParseFlags(tt.args); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		size := *cmd.Flags().Lookup("max-page-size").Value.(sizeValue).n
		x, err := exportJob(&ExportOptions{Path: "p", Records: "data", Out: "-", MaxPage: size})
		if err != nil || x.MaxPageBytes != tt.want {
			t.Errorf("%v: MaxPageBytes %d, %v; want %d", tt.args, x.MaxPageBytes, err, tt.want)
		}
	}
	if def := newExportCmd(&Factory{}).Flags().Lookup("max-page-size").DefValue; def != "64MiB" {
		t.Errorf("the help shows the default as %q", def)
	}
	for _, bad := range []string{"lots", "0", "-5MiB"} {
		err := newExportCmd(&Factory{}).ParseFlags([]string{"--max-page-size", bad})
		if err == nil || !strings.Contains(err.Error(), "--max-page-size") {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}
