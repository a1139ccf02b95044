-- CreateEnum
CREATE TYPE "DatasetStatus" AS ENUM ('uploading', 'ready');

-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "createdById" UUID,
ADD COLUMN     "fileName" TEXT,
ADD COLUMN     "sha256" TEXT,
ADD COLUMN     "sizeBytes" BIGINT,
ADD COLUMN     "statsWindow" TEXT,
ADD COLUMN     "status" "DatasetStatus" NOT NULL DEFAULT 'ready',
ADD COLUMN     "storeKey" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "Dataset_projectId_sha256_idx" ON "Dataset"("projectId", "sha256");
