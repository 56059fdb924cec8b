# The same last provisioners as marketplace.pkr.hcl, on a local VM: Packer's qemu builder boots a
# copy of a cloud image that has cloud-init, logs in as root with a key that a NoCloud seed hands
# to cloud-init (as a Droplet gets Packer's temporary key from DigitalOcean's metadata), runs the
# agent, downloads its report and powers off. The output is a raw disk image.
#
# Works with Debian 12's packer 1.6.6 and later. Packer 1.10 and later no longer bundle the qemu
# builder: install it first (`packer plugins install github.com/hashicorp/qemu`). A `required_plugins`
# block would do that with `packer init`, but 1.6 rejects it. test/packer-build.test.ts builds with
# this file.
#
#   packer build -var base_image=debian-12-genericcloud-amd64.qcow2 -var seed_dir=seed \
#     -var ssh_private_key_file=packer_key examples/packer/qemu-local.pkr.hcl
#
# seed_dir holds meta-data and user-data; the key's public half goes in meta-data:
#   meta-data:  instance-id: iid-build-1            user-data:  #cloud-config
#               public-keys:                                    disable_root: false
#                 - ssh-ed25519 AAAA... packer
#
# No KVM (a CI machine, a container)? The default accelerator "tcg" emulates the CPU: a boot takes
# about a minute. Set accelerator = "kvm" where /dev/kvm works.

variable "base_image" {
  type        = string
  description = "The cloud image to start from (raw or qcow2); it is copied, never written."
}

variable "seed_dir" {
  type        = string
  description = "Directory holding the NoCloud meta-data and user-data (attached as a CD labelled cidata)."
}

variable "ssh_private_key_file" {
  type        = string
  description = "The key Packer logs in with; its public half is in the seed's meta-data."
}

variable "agent" {
  type    = string
  default = "dist/agent"
}

variable "report" {
  type        = string
  default     = "agent-report.json"
  description = "Where the agent's JSON report is downloaded to."
}

variable "output_directory" {
  type    = string
  default = "output-marketplace-qemu"
}

variable "accelerator" {
  type    = string
  default = "tcg"
}

variable "isolated" {
  type        = bool
  default     = false
  description = "Cut the VM off the network (qemu's restrict=on); the SSH port forward still works."
}

variable "cpus" {
  type    = number
  default = 2
}

variable "agent_env" {
  type        = list(string)
  default     = []
  description = "Extra environment of the agent, e.g. [\"AGENT_TODAY=2026-11-24\"]."
}

# An image without a boot loader (a bare filesystem) is booted with a kernel and initrd from the host.
variable "kernel" {
  type    = string
  default = ""
}

variable "initrd" {
  type    = string
  default = ""
}

variable "kernel_cmdline" {
  type    = string
  default = ""
}

variable "serial_log" {
  type        = string
  default     = ""
  description = "A file that receives the VM's serial console (none when empty)."
}

locals {
  # Optional qemu arguments, each kept only when its value is set.
  direct_boot = [for arg in [["-kernel", var.kernel], ["-initrd", var.initrd], ["-append", var.kernel_cmdline]] : arg if arg[1] != ""]
  serial      = [for arg in [["-serial", "file:${var.serial_log}"]] : arg if var.serial_log != ""]
}

source "qemu" "marketplace" {
  iso_url          = var.base_image
  iso_checksum     = "none"
  disk_image       = true
  format           = "raw"
  skip_resize_disk = true
  skip_compaction  = true
  output_directory = var.output_directory
  vm_name          = "marketplace.raw"
  accelerator      = var.accelerator
  headless         = true
  vnc_bind_address = "127.0.0.1"
  memory           = 1024
  cpus             = var.cpus
  disk_interface   = "virtio"
  net_device       = "virtio-net"
  boot_wait        = "0s"

  cd_files = ["${var.seed_dir}/meta-data", "${var.seed_dir}/user-data"]
  cd_label = "cidata"

  communicator         = "ssh"
  ssh_username         = "root"
  ssh_private_key_file = var.ssh_private_key_file
  ssh_timeout          = "10m"
  host_port_min        = 2222
  host_port_max        = 4444
  shutdown_command     = "poweroff"

  # qemu's user-mode network, SSH forwarded from 127.0.0.1 only (Packer's default listens on every
  # address of the host).
  qemuargs = concat(
    [["-netdev", "user,id=user.0,${var.isolated ? "restrict=on," : ""}hostfwd=tcp:127.0.0.1:{{ .SSHHostPort }}-:22"]],
    # Every CPU feature the accelerator offers: under tcg the default model lacks AES-NI and SSE4,
    # which makes SSH uploads and Node (the agent) several times slower.
    [["-cpu", "max"]],
    local.direct_boot,
    local.serial,
  )
}

build {
  sources = ["source.qemu.marketplace"]

  provisioner "file" {
    source      = var.agent
    destination = "/tmp/agent"
  }

  # sshd is up before cloud-init's last stages (modules:config and :final) have run: they still
  # write their logs and instance state. Wait for them, or cleanup races them and the check after
  # finds a fresh log. cloud-init's own errors are not this step's business (|| true).
  provisioner "shell" {
    inline = ["cloud-init status --wait > /dev/null || true"]
  }

  # Upgrade, purge the DigitalOcean agent, remove passwords, keys (Packer's too), histories, logs...
  # then check again. A failed action or a check that still fails makes this step fail.
  provisioner "shell" {
    environment_vars = var.agent_env
    inline           = ["chmod +x /tmp/agent && /tmp/agent cleanup --yes"]
  }

  # The gate: exit 1 on any failing check fails the build; the JSON report is kept.
  provisioner "shell" {
    environment_vars = var.agent_env
    inline           = ["/tmp/agent check --report /tmp/agent-report.json"]
  }

  provisioner "file" {
    direction   = "download"
    source      = "/tmp/agent-report.json"
    destination = var.report
  }

  provisioner "shell" {
    inline = ["rm -f /tmp/agent /tmp/agent-report.json"]
  }
}
