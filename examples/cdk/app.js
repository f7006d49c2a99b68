// An instance from this LocalStack's AMI with a role and user data, a Command document and a
// State Manager association that targets the instance's tag (localstack-ssm-docker).
//   npm ci && npx cdklocal bootstrap && npx cdklocal deploy && npx cdklocal destroy
const cdk = require("aws-cdk-lib");
const ec2 = require("aws-cdk-lib/aws-ec2");
const iam = require("aws-cdk-lib/aws-iam");
const ssm = require("aws-cdk-lib/aws-ssm");

const IMAGE_ID = process.env.IMAGE_ID || "ami-0b5b0b5b0b5b0b5b0";

class StateManagerStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);

    const vpc = ec2.Vpc.fromLookup(this, "Vpc", { isDefault: true });
    const role = new iam.Role(this, "WebRole", {
      assumedBy: new iam.ServicePrincipal("ec2.amazonaws.com"),
    });
    const userData = ec2.UserData.forLinux({ shebang: "#!/bin/sh" });
    userData.addCommands("echo 'booted by user data' > /tmp/booted");

    const web = new ec2.Instance(this, "Web", {
      vpc,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
      machineImage: ec2.MachineImage.genericLinux({ [this.region]: IMAGE_ID }),
      role,
      userData,
    });
    cdk.Tags.of(web).add("Role", "web");

    const configure = new ssm.CfnDocument(this, "Configure", {
      documentType: "Command",
      content: {
        schemaVersion: "2.2",
        description: "Configures the web instances",
        mainSteps: [
          {
            action: "aws:runShellScript",
            name: "configure",
            inputs: { runCommand: ["echo configured by cdk"] },
          },
        ],
      },
    });
    const configureWeb = new ssm.CfnAssociation(this, "ConfigureWeb", {
      name: configure.ref,
      targets: [{ key: "tag:Role", values: ["web"] }],
      waitForSuccessTimeoutSeconds: 60,
    });
    configureWeb.node.addDependency(web);

    new cdk.CfnOutput(this, "InstanceId", { value: web.instanceId });
    new cdk.CfnOutput(this, "PrivateIp", { value: web.instancePrivateIp });
    new cdk.CfnOutput(this, "RoleName", { value: role.roleName });
    new cdk.CfnOutput(this, "DocumentName", { value: configure.ref });
    new cdk.CfnOutput(this, "AssociationId", { value: configureWeb.attrAssociationId });
  }
}

const app = new cdk.App();
new StateManagerStack(app, "SsmDockerCdkExample", {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
