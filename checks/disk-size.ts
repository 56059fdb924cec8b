// A Droplet's disk cannot be smaller than the image's: an image built on a big disk rules out the
// cheaper plans for every customer.
import { statfsSync } from 'node:fs';
import { humanSize, problem } from '../agent/findings.js';
import { defineCheck } from '../agent/check.js';

const GIB = 1024 ** 3;
const LIMIT = 25 * GIB;

export const diskSize = defineCheck({
  id: 'disk-size',
  title: 'Small root disk',
  description: 'The root filesystem of the build Droplet, or the disk of an image file, is at most 25 GiB (live and --image).',
  explain: {
    looksAt: 'The size of the filesystem holding / on the running machine (statfs); with --image, the virtual size of the disk in the image file.',
    why: 'Users cannot create a Droplet from an image on a plan whose disk is smaller than the image\'s; build on the smallest plan that fits (25 GiB) so every plan stays open.',
    manualFix: 'Rebuild the image on a Droplet with a 25 GiB disk (the smallest plan).',
    limits: 'Live and --image only: for an image mounted elsewhere (--root) the disk size is that of its image file, which the agent does not see.',
  },
  remedy: 'build the image on a Droplet with a 25 GiB disk',
  severity: 'warn',
  codes: { 'disk-too-big': null },
  liveOnly: true,
  appliesTo: (host) => host.mode === 'live' || host.settings.image !== undefined || 'live only (or --image FILE): the disk of a mounted image is not visible from inside it',
  // statfs of / itself, not a lookup in the mount table: inside a chroot (a build container, the
  // test rig) the mount table describes another root.
  async run(host) {
    const image = host.settings.image;
    if (image) {
      if (image.virtualSize > LIMIT) {
        return { findings: [problem('warn', 'disk-too-big', `the image's disk is ${humanSize(image.virtualSize)}: users cannot pick plans with smaller disks`, '/')] };
      }
      return { summary: `the image's disk is ${humanSize(image.virtualSize)}`, findings: [] };
    }
    const { blocks, bsize } = statfsSync(host.root);
    const size = blocks * bsize;
    if (size > LIMIT) {
      return { findings: [problem('warn', 'disk-too-big', `root filesystem is ${humanSize(size)}: users cannot pick plans with smaller disks`, '/')] };
    }
    return { summary: `root filesystem is ${humanSize(size)}`, findings: [] };
  },
});
