package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

func newKeysCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Manage the master key that seals connection secrets",
		Long: `The master key seals every connection secret with AES-256-GCM. It is read
from INTEGRATOR_MASTER_KEY (base64 of 32 bytes) when set, else from
$INTEGRATOR_HOME/master.key, which is created with mode 0600 on first use.
Keep a copy of it: without it the stored secrets cannot be opened.`,
	}
	cmd.AddCommand(newKeysRotateCmd(f))
	return cmd
}

// KeysRotateOptions are the inputs of `keys rotate`.
type KeysRotateOptions struct {
	F         *Factory
	NewKeyEnv string
}

func newKeysRotateCmd(f *Factory) *cobra.Command {
	opts := &KeysRotateOptions{F: f}
	cmd := &cobra.Command{
		Use:   "rotate [--new-key-env ENVVAR]",
		Short: "Re-seal every secret under a new master key, in one transaction",
		Long: `Re-seal every stored secret under a new master key in one transaction:
either every secret moves to the new key or none does.

With a key file, a new random key is made and replaces the key file once the
secrets are re-sealed. With INTEGRATOR_MASTER_KEY, give the new key in another
environment variable with --new-key-env, then set INTEGRATOR_MASTER_KEY to it.

Two rotations at once are safe: each holds the key lock
($INTEGRATOR_HOME/master.key.lock) from start to end, so the second waits for
the first, then rotates the key the first installed. Commands that save a
connection hold it too, so no secret is sealed under a key being replaced.
A rotation that was interrupted (its new key is left in master.key.new) is
finished by the next one.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return keysRotateRun(cmd.Context(), opts) },
	}
	cmd.Flags().StringVar(&opts.NewKeyEnv, "new-key-env", "", "read the new key (base64 of 32 bytes) from environment variable `ENVVAR`")
	return cmd
}

func keysRotateRun(ctx context.Context, opts *KeysRotateOptions) error {
	f := opts.F
	var newKey app.NewKey
	if opts.NewKeyEnv != "" {
		var err error
		if newKey, err = newKeyFromEnv(f.Getenv, opts.NewKeyEnv); err != nil {
			return err
		}
	}
	r, err := f.App().RotateKeys(ctx, newKey)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Re-sealed %s: master key %s replaced by %s.\n", plural(r.Resealed, "secret"), r.Old, r.New)
	if r.FromEnv {
		fmt.Fprintf(f.IO.ErrOut, "Now set %s to the value of %s; the old key no longer opens the secrets.\n", app.KeyEnv, opts.NewKeyEnv)
	} else {
		fmt.Fprintf(f.IO.ErrOut, "The new key is in %s.\n", r.KeyFile)
	}
	return nil
}

// newKeyFromEnv reads --new-key-env NAME. Its messages repeat NAME only
// when it looks like a variable name: a key pasted in its place is never
// echoed.
func newKeyFromEnv(getenv func(string) string, name string) (app.NewKey, error) {
	const hidden = " (it is not repeated here, in case it is the key itself)"
	const example = "export NEW_KEY=...; then integrator keys rotate --new-key-env NEW_KEY"
	switch {
	case !app.ValidEnvName(name):
		return app.NewKey{}, fmt.Errorf("--new-key-env: its value is not the name of an environment variable, which is letters, digits and _%s. "+
			"Give the name of a variable that holds the new key: %s", hidden, example)
	case getenv(name) != "":
	case app.Showable(name):
		return app.NewKey{}, fmt.Errorf("--new-key-env %s: the variable is not set or empty", name)
	default:
		return app.NewKey{}, fmt.Errorf("--new-key-env: no environment variable of that name is set%s. "+
			"Give the name of a variable that holds the new key, not the key: %s", hidden, example)
	}
	where := "the variable named by --new-key-env"
	if app.Showable(name) {
		where = name
	}
	return app.NewKey{Text: getenv(name), Source: where}, nil
}
