# A Marketplace image built with Packer's DigitalOcean builder. The agent runs as the last two
# provisioners: `cleanup --yes` removes what must not ship (including Packer's own temporary SSH key
# in /root/.ssh/authorized_keys), then `check` fails the build if anything still fails review.
packer {
  required_plugins {
    digitalocean = {
      source  = "github.com/digitalocean/digitalocean"
      version = ">= 1.4.0"
    }
  }
}

variable "do_token" {
  type      = string
  sensitive = true
  default   = env("DIGITALOCEAN_TOKEN")
}

source "digitalocean" "marketplace" {
  api_token     = var.do_token
  image         = "ubuntu-24-04-x64"
  region        = "nyc3"
  size          = "s-1vcpu-1gb" # the smallest disk keeps every plan open to users
  ssh_username  = "root"
  snapshot_name = "my-app-{{timestamp}}"
}

build {
  sources = ["source.digitalocean.marketplace"]

  # First, let the Droplet's first boot finish: cloud-init's last stages run after sshd is up, hold
  # apt's lock while they do and write logs that cleanup must come after.
  provisioner "shell" {
    inline = ["cloud-init status --wait > /dev/null || true"]
  }

  # Your application.
  provisioner "shell" {
    inline = ["apt-get update", "DEBIAN_FRONTEND=noninteractive apt-get -y install nginx"]
  }

  # The agent binary (build it with `npm run build`; it is dist/agent).
  provisioner "file" {
    source      = "dist/agent"
    destination = "/tmp/agent"
  }

  # Upgrade, purge the DigitalOcean agent, remove passwords, keys (Packer's too), histories,
  # logs... then check again. A failed action makes this step fail.
  provisioner "shell" {
    inline = ["chmod +x /tmp/agent && /tmp/agent cleanup --yes --zero-free-space"]
  }

  # The gate: exit 1 on any failing check fails the build; the JSON report is kept as an artifact.
  provisioner "shell" {
    inline = ["/tmp/agent check --report /tmp/agent-report.json"]
  }

  provisioner "file" {
    direction   = "download"
    source      = "/tmp/agent-report.json"
    destination = "agent-report.json"
  }

  # Last: the agent, its report and Packer's leftovers go.
  provisioner "shell" {
    inline = ["rm -f /tmp/agent /tmp/agent-report.json"]
  }
}
