package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/schema"
)

// Shell completion: cobra's completion command writes the script
// (integrator completion bash|zsh|fish|powershell); the functions here
// answer it through the hidden __complete command: connection names,
// connector types, setting keys (from the connector's schema) and the
// values of flags with fixed choices.

// completer answers completions from the host core.
type completer struct{ f *Factory }

const noFiles = cobra.ShellCompDirectiveNoFileComp

// registerCompletions gives the commands below root their completions.
func registerCompletions(root *cobra.Command, f *Factory) {
	c := completer{f}
	for path, fn := range map[string]cobra.CompletionFunc{
		"connections show":   c.connectionArg,
		"connections test":   c.connectionArg,
		"connections edit":   c.connectionArg,
		"connections delete": c.connectionArg,
		"api":                c.connectionArg,
		"export":             c.connectionArg,
		"import":             c.connectionArg,
		"report":             c.connectionArg,
		"connectors show":    c.typeArg,
		"plugins trust":      c.typeArg,
		"plugins check":      c.typeArg,
	} {
		find(root, path).ValidArgsFunction = fn
	}
	fixed := func(choices ...string) cobra.CompletionFunc { return cobra.FixedCompletions(choices, noFiles) }
	for _, fl := range []struct {
		path, flag string
		fn         cobra.CompletionFunc
	}{
		{"", "log-level", fixed(LogLevels...)},
		{"", "plugin-dir", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		}},
		{"connections create", "type", c.types},
		{"connections create", "set", c.settings(c.typeFlag, plainKeys)},
		{"connections create", "secret-env", c.settings(c.typeFlag, secretKeys)},
		{"connections create", "secret-file", c.settings(c.typeFlag, secretKeys)},
		{"connections edit", "set", c.settings(c.connectionType, plainKeys)},
		{"connections edit", "secret-env", c.settings(c.connectionType, secretKeys)},
		{"connections edit", "secret-file", c.settings(c.connectionType, secretKeys)},
		{"connections edit", "unset", c.settings(c.connectionType, optionalKeys)},
		{"plugins check", "set", c.settings(c.typeArgValue, plainKeys)},
		{"export", "progress", fixed("auto", "plain", "none")},
		{"import", "progress", fixed("auto", "plain", "none")},
		{"report", "progress", fixed("auto", "plain", "none")},
		{"import", "method", fixed("POST", "PUT", "DELETE")},
		{"import", "as", fixed("query", "form", "json")},
		{"api", "method", fixed("GET", "POST", "PUT", "PATCH", "DELETE")},
		{"report", "entity", fixed("CAMPAIGN", "LINE_ITEM", "PROMOTED_TWEET", "FUNDING_INSTRUMENT", "ACCOUNT")},
		{"report", "granularity", fixed("DAY", "HOUR", "TOTAL")},
	} {
		if err := find(root, fl.path).RegisterFlagCompletionFunc(fl.flag, fl.fn); err != nil {
			panic(err) // a flag renamed without its completion
		}
	}
}

// find returns the command at path below root ("" is root itself).
func find(root *cobra.Command, path string) *cobra.Command {
	cmd, rest, err := root.Find(strings.Fields(path))
	if err != nil || len(rest) > 0 {
		panic("no command " + path)
	}
	return cmd
}

func ctxOf(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// connectionArg completes the first argument with the saved connections'
// names, each described by its type.
func (c completer) connectionArg(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, noFiles
	}
	list, err := c.f.App().Connections(ctxOf(cmd))
	if err != nil {
		return nil, noFiles
	}
	var out []string
	for _, conn := range list {
		if strings.HasPrefix(strings.ToLower(conn.Name), strings.ToLower(toComplete)) {
			out = append(out, cobra.CompletionWithDesc(conn.Name, conn.Type))
		}
	}
	return out, noFiles
}

// typeArg completes the first argument with the connector types.
func (c completer) typeArg(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, noFiles
	}
	return c.types(cmd, args, toComplete)
}

// types completes a connector type, each described by its name.
func (c completer) types(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	types, err := c.f.App().ConnectorTypes(ctxOf(cmd))
	if err != nil {
		return nil, noFiles
	}
	var out []string
	for _, t := range types.Types {
		if strings.HasPrefix(t.Type, toComplete) {
			out = append(out, cobra.CompletionWithDesc(t.Type, t.Name))
		}
	}
	return out, noFiles
}

// A typeOf finds the connector type a command's settings are for.
type typeOf func(cmd *cobra.Command, args []string) string

func (c completer) typeFlag(cmd *cobra.Command, _ []string) string {
	t, _ := cmd.Flags().GetString("type")
	return t
}

func (c completer) typeArgValue(_ *cobra.Command, args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

func (c completer) connectionType(cmd *cobra.Command, args []string) string {
	if len(args) == 0 {
		return ""
	}
	conn, err := c.f.App().Connection(ctxOf(cmd), args[0])
	if err != nil {
		return ""
	}
	return conn.Type
}

// A keyFilter says which settings a flag takes, and how: with "=" after
// the key (the flag takes KEY=VALUE) or not (--unset KEY).
type keyFilter func(schema.Field) (ok, withValue bool)

// A fixed setting has one value, never given: it is not offered.
func plainKeys(f schema.Field) (bool, bool)    { return !f.Secret && !f.Fixed, true }
func secretKeys(f schema.Field) (bool, bool)   { return f.Secret || f.Kind == schema.KindKeyValues, true }
func optionalKeys(f schema.Field) (bool, bool) { return !f.Required && !f.Fixed, false }

// settings completes the setting keys of the connector that typ names,
// as keep chooses them: KEY= for a setting, LIST. for a key/value list's
// entries, and after KEY= the options of a setting that has them.
func (c completer) settings(typ typeOf, keep keyFilter) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		t := typ(cmd, args)
		if t == "" {
			return nil, noFiles
		}
		conn, err := c.f.App().Connector(ctxOf(cmd), t)
		if err != nil {
			return nil, noFiles
		}
		return settingCompletions(conn.Spec, keep, toComplete)
	}
}

// settingCompletions completes toComplete from spec's fields.
func settingCompletions(spec schema.Spec, keep keyFilter, toComplete string) ([]string, cobra.ShellCompDirective) {
	if key, _, ok := strings.Cut(toComplete, "="); ok {
		fd, found := spec.Field(key)
		if ok, withValue := keep(fd); !found || !ok || !withValue {
			return nil, noFiles
		}
		options := fd.Options
		if fd.Kind == schema.KindBool {
			options = []string{"true", "false"}
		}
		var out []string
		for _, o := range options {
			if v := key + "=" + o; strings.HasPrefix(v, toComplete) {
				out = append(out, v)
			}
		}
		return out, noFiles
	}
	var out []string
	more := false
	for _, fd := range spec.Fields {
		ok, withValue := keep(fd)
		if !ok {
			continue
		}
		v := fd.Key
		switch {
		case fd.Kind == schema.KindKeyValues && withValue:
			v = schema.EntryKey(fd.Key, "")
		case withValue:
			v += "="
		}
		if strings.HasPrefix(v, toComplete) {
			out = append(out, cobra.CompletionWithDesc(v, fd.Label))
			if v != fd.Key {
				more = true
			}
		}
	}
	if more {
		return out, noFiles | cobra.ShellCompDirectiveNoSpace // the value or the entry's name follows
	}
	return out, noFiles
}
