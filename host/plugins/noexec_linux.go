package plugins

import "syscall"

// stNoexec is ST_NOEXEC of statfs(2): the filesystem does not run programs.
const stNoexec = 0x8

// noexec reports whether the filesystem holding dir is mounted noexec.
func noexec(dir string) bool {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return false
	}
	return st.Flags&stNoexec != 0
}
