-- DropTable
DROP TABLE "Asset";

-- DropTable
DROP TABLE "Price";
