package fd

// mkdev encodes a device number as the kernel's 64-bit dev_t does
// (glibc's makedev), the encoding of stat's st_dev. Mounts are parsed by
// [proc.ParseMountInfo]; this is for the devices in maps.
func mkdev(major, minor uint32) uint64 {
	return uint64(major&0xfffff000)<<32 | uint64(major&0xfff)<<8 |
		uint64(minor&0xffffff00)<<12 | uint64(minor&0xff)
}
