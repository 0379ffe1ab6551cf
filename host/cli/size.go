package cli

import "github.com/openintegrator/integrator/host/app"

// sizeValue is a flag that holds a byte count, written as 67108864,
// 64MiB or 128MB (see app.ParseSize).
type sizeValue struct{ n *int64 }

func (v sizeValue) String() string {
	if v.n == nil {
		return ""
	}
	return app.FormatSize(*v.n)
}

func (v sizeValue) Set(s string) error {
	n, err := app.ParseSize(s)
	if err != nil {
		return err
	}
	*v.n = n
	return nil
}

func (v sizeValue) Type() string { return "SIZE" }
